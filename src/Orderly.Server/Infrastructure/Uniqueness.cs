namespace Orderly.Server.Infrastructure;

public static class Uniqueness
{
    /// <summary>Answers 409 when a natural key (SKU, customer code) is taken; the unique index still backs it under races.</summary>
    public static async Task EnsureFreeAsync(Task<bool> taken, string field, string message)
    {
        if (await taken)
        {
            throw new ConflictException($"Duplicate{char.ToUpperInvariant(field[0])}{field[1..]}", message);
        }
    }
}
