namespace Orderly.Server.Infrastructure.Scheduling;

/// <summary>A job that <c>Orderly:Scheduling:Jobs:NAME:Enabled=false</c> switched off.</summary>
public sealed record DisabledJob(string Name);
