namespace Orderly.Server.Tests.WebApi;

/// <summary>
/// Input the API does not refuse yet, found by <see cref="OpenApiFuzzTests"/>, whose fix belongs to the input
/// validation work on the security branch (C0 characters -> 400, out-of-range dates -> 400, unrepresentable decimals
/// -> 400, wrong content type -> 415). Cases of these kinds on these routes may be accepted or answered otherwise
/// than problem+json; everything else must not. Empty this list when that branch is merged: the fuzz test then
/// holds every case to the same bar, and says which of these still fail.
/// </summary>
public static class KnownInputGaps
{
    /// <summary>(case kind, "METHOD /route/pattern" or "*" for every route, why it is accepted today).</summary>
    public static readonly (string Kind, string Route, string Why)[] Cases =
    [
    ];

    public static bool Covers(string kind, string route) => Cases.Any(c => Matches(c, kind, route));

    public static bool Matches((string Kind, string Route, string Why) gap, string kind, string route) =>
        gap.Kind == kind && (gap.Route == "*" || gap.Route == route);
}
