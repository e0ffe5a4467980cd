using Orderly.Domain.Common;
namespace Orderly.Domain.Integration;

public enum ImportState
{
    Queued,
    Validating,
    Validated,
    Committing,
    Completed,
    Rejected,
    Failed,
    Cancelled,
}

public enum ImportMode
{
    DryRun,
    Atomic,
    ValidOnly,
}

/// <summary>
/// One uploaded file and what became of it: validated (a dry run), then committed all-or-nothing (atomic) or row by
/// row (valid-only). Counts are of data rows (the header and blank rows are not counted).
/// </summary>
public sealed class ImportJob
{
    private ImportJob()
    {
    }

    public ImportJob(string kind, ImportMode mode, string fileName, string format, long size, Guid? createdBy, DateTimeOffset now)
    {
        Id = Ids.New(now);
        Kind = kind;
        Mode = mode;
        FileName = fileName;
        Format = format;
        Size = size;
        CreatedBy = createdBy;
        CreatedAt = now;
        UpdatedAt = now;
        State = ImportState.Queued;
    }

    public Guid Id { get; private set; }
    public string Kind { get; private set; } = "";
    public ImportMode Mode { get; private set; }
    public ImportState State { get; private set; }
    public string FileName { get; private set; } = "";
    /// <summary>csv or xlsx.</summary>
    public string Format { get; private set; } = "";
    public long Size { get; set; }
    public string? Encoding { get; set; }
    /// <summary>Refuse rows whose natural key already exists (DuplicateOfExisting) instead of updating them.</summary>
    public bool RejectExisting { get; set; }
    public int Rows { get; set; }
    public int Valid { get; set; }
    public int Invalid { get; set; }
    public int Inserted { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public string? Failure { get; set; }
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsFinished => State is ImportState.Completed or ImportState.Rejected or ImportState.Failed or ImportState.Cancelled;

    public void Start(ImportMode mode, DateTimeOffset now)
    {
        Mode = mode;
        State = mode == ImportMode.DryRun ? ImportState.Validating : ImportState.Committing;
        Rows = Valid = Invalid = Inserted = Updated = Unchanged = 0;
        Failure = null;
        UpdatedAt = now;
    }

    public void Finish(ImportState state, DateTimeOffset now, string? failure = null)
    {
        State = state;
        Failure = failure;
        UpdatedAt = now;
    }

    public void Queue(ImportMode mode, DateTimeOffset now)
    {
        Mode = mode;
        State = ImportState.Queued;
        UpdatedAt = now;
    }
}

/// <summary>A piece of an uploaded file, kept in the database so that any node can process or commit it.</summary>
public sealed class ImportFileChunk
{
    /// <summary>64 KB: below the large object heap, so storing and reading a file leaves no long-lived garbage.</summary>
    public const int Size = 1 << 16;

    private ImportFileChunk()
    {
    }

    public ImportFileChunk(Guid importId, int sequence, byte[] content)
    {
        ImportId = importId;
        Sequence = sequence;
        Content = content;
    }

    public Guid ImportId { get; private set; }
    public int Sequence { get; private set; }
    public byte[] Content { get; private set; } = [];
}

/// <summary>A stored problem of an import's last run.</summary>
public sealed class ImportRowError
{
    private ImportRowError()
    {
    }

    public ImportRowError(Guid importId, ImportProblem problem)
    {
        ImportId = importId;
        Row = problem.Row;
        Column = problem.Column.Length > 300 ? problem.Column[..300] : problem.Column;
        Code = problem.Code.Length > 40 ? problem.Code[..40] : problem.Code;
        Message = problem.Message.Length > 500 ? problem.Message[..500] : problem.Message;
    }

    public long Id { get; private set; }
    public Guid ImportId { get; private set; }
    public int Row { get; private set; }
    public string Column { get; private set; } = "";
    public string Code { get; private set; } = "";
    public string Message { get; private set; } = "";
}
