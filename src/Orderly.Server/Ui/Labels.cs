namespace Orderly.Server.Ui;

/// <summary>Marker for the UI's string resources (Resources/Ui/Labels.resx and Labels.zh-CN.resx).</summary>
public sealed class Labels;
