using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Orderly.Server.Data;

namespace Orderly.Server.Platform.Persistence;

/// <summary>
/// Opens the save's transaction before the other concerns of the save pipeline (audit, rollups, outbox) add
/// their rows, so a change and everything derived from it commit together or not at all. A save inside a
/// caller's transaction (<see cref="Infrastructure.Writes"/>) joins it and commits with it.
/// </summary>
public sealed class SaveTransactionInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is OrderlyDbContext { Database.CurrentTransaction: null } db)
        {
            db.OwnedSaveTransaction = db.Database.BeginTransaction();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is OrderlyDbContext { Database.CurrentTransaction: null } db)
        {
            db.OwnedSaveTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is OrderlyDbContext { OwnedSaveTransaction: { } transaction } db)
        {
            db.OwnedSaveTransaction = null;
            using (transaction)
            {
                transaction.Commit();
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is OrderlyDbContext { OwnedSaveTransaction: { } transaction } db)
        {
            db.OwnedSaveTransaction = null;
            await using (transaction)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => RollBack(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        RollBack(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => RollBack(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        RollBack(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>Disposing an uncommitted transaction rolls it back; nothing the save pipeline added survives.</summary>
    private static void RollBack(DbContext? context)
    {
        if (context is OrderlyDbContext { OwnedSaveTransaction: { } transaction } db)
        {
            db.OwnedSaveTransaction = null;
            transaction.Dispose();
        }
    }
}
