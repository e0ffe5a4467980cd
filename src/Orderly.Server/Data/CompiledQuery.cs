using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Orderly.Server.Data;

/// <summary>
/// A hot query compiled once per model (<c>EF.CompileAsyncQuery</c>): a LINQ query otherwise spends more CPU
/// extracting its parameters and finding itself in the query cache than the database spends answering it.
/// A compiled delegate keeps the executor of the model it first ran with, and the SQLite and PostgreSQL contexts
/// have different models (both run in one test process), so each model gets its own delegate.
/// </summary>
public sealed class CompiledQuery<TDelegate>(Func<TDelegate> compile) where TDelegate : Delegate
{
    private readonly ConditionalWeakTable<IModel, TDelegate> _byModel = new();

    public TDelegate For(DbContext db) => _byModel.GetValue(db.Model, _ => compile());
}
