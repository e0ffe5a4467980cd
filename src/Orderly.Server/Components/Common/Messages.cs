using Microsoft.Extensions.Localization;
using Orderly.Server.Ui;

namespace Orderly.Server.Components.Common;

/// <summary>Rule and warning messages in the user's language: by code when the UI knows it, else the server's words.</summary>
public static class Messages
{
    public static string Of(IStringLocalizer<Labels> l, string code, string fallback)
    {
        var text = l["Rule_" + code];
        return text.ResourceNotFound ? fallback : text.Value;
    }

    /// <summary>The label for <paramref name="key"/>, or <paramref name="fallback"/> when the UI has none (a value it does not know yet).</summary>
    public static string Label(IStringLocalizer<Labels> l, string key, string fallback)
    {
        var text = l[key];
        return text.ResourceNotFound ? fallback : text.Value;
    }

    public static string Of(IStringLocalizer<Labels> l, Exception error) => error switch
    {
        Domain.Common.RuleViolationException rule => string.Join(" ", rule.Violations.Select(v => Of(l, v.Code, v.Message))),
        Domain.Common.DomainException domain => Of(l, domain.Code, domain.Message),
        Infrastructure.NotFoundException => l["NotFoundText"],
        Infrastructure.ForbiddenException forbidden => Of(l, forbidden.Code, forbidden.Message),
        Infrastructure.ConflictException conflict => Of(l, conflict.Code, conflict.Message),
        Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException => l["Rule_ConcurrencyConflict"],
        _ => error.Message,
    };
}
