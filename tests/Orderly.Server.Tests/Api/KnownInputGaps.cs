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
        (HostileInputs.ControlCharacters, "*",
            "C0 control characters (U+0000-U+001F) in codes, names, notes and references are stored as sent; to be 400."),
        (HostileInputs.DateRange, "POST /api/api-keys", "expiresAt 0001-01-01 or 9999-12-31 is accepted and stored; to be 400."),
        (HostileInputs.DateRange, "POST /api/inventory/transfers", "expectedArrival 9999-12-31 is accepted and stored; to be 400."),
        (HostileInputs.DateRange, "GET /api/orders",
            "from=0001-01-01 or to=9999-12-31: the id range of the period (OrderQueries.ListAsync, AddDays) overflows: 500; to be 400."),
        (HostileInputs.DateRange, "GET /api/analytics/revenue", "to=0001-01-01: the default period start before it underflows: 500; to be 400."),
    ];

    public static bool Covers(string kind, string route) => Cases.Any(c => Matches(c, kind, route));

    public static bool Matches((string Kind, string Route, string Why) gap, string kind, string route) =>
        gap.Kind == kind && (gap.Route == "*" || gap.Route == route);
}
