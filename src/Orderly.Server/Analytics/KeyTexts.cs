using System.Runtime.CompilerServices;

namespace Orderly.Server.Analytics;

/// <summary>
/// The key and label of each customer or product ordinal as <c>/orders</c> lists it (id, "code name"), kept per loaded
/// dimension (<see cref="AnalysisDimensions"/> returns a new dictionary when a row changes, so a kept text is never
/// stale): a by-customer call then builds no string for its ~5,000 customers, only reads them.
/// </summary>
internal static class KeyTexts
{
    private static readonly ConditionalWeakTable<object, Texts> Kept = new();

    public static (string Key, string Label) Of(object dimension, int ordinal, Func<int, Guid> idOf, Func<Guid, (string Key, string Label)> make)
    {
        var texts = Kept.GetValue(dimension, static _ => new Texts());
        var array = Volatile.Read(ref texts.ByOrdinal);
        if (ordinal < array.Length && array[ordinal] is { } kept)
        {
            return (kept.Key, kept.Label);
        }

        var (key, label) = make(idOf(ordinal));
        // A slot holds a reference, written at once: a reader without the lock sees nothing or the whole pair.
        var made = new Text(key, label);
        lock (texts)
        {
            if (ordinal >= texts.ByOrdinal.Length)
            {
                var grown = new Text?[Math.Max(ordinal + 1, texts.ByOrdinal.Length * 2)];
                texts.ByOrdinal.CopyTo(grown, 0);
                Volatile.Write(ref texts.ByOrdinal, grown);
            }

            texts.ByOrdinal[ordinal] = made;
        }

        return (key, label);
    }

    private sealed record Text(string Key, string Label);

    private sealed class Texts
    {
        public Text?[] ByOrdinal = new Text?[1024];
    }
}
