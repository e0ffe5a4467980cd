namespace Orderly.Server.Communication;

/// <summary>Marker of the Communication pages' texts (Resources/Communication/CommunicationLabels*.resx).</summary>
public sealed class CommunicationLabels
{
}
