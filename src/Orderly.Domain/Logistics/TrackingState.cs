namespace Orderly.Domain.Logistics;

/// <summary>Where a parcel is, in our words; Kuaidi100's <c>state</c> codes map onto these.</summary>
public enum TrackingState
{
    Pending,
    PickedUp,
    InTransit,
    OutForDelivery,
    Delivered,
    Problem,
    Returning,
    Returned,
    Refused,
    Transferred,
    Customs,
}

public static class TrackingStates
{
    /// <summary>Kuaidi100 <c>state</c>: 0 在途, 1 揽收, 2 疑难, 3 签收, 4 退签, 5 派件, 6 退回, 7 转投, 10-13 清关, 14 拒签.</summary>
    public static TrackingState FromKuaidi100(string? state) => state switch
    {
        "0" => TrackingState.InTransit,
        "1" => TrackingState.PickedUp,
        "2" => TrackingState.Problem,
        "3" => TrackingState.Delivered,
        "4" => TrackingState.Returned,
        "5" => TrackingState.OutForDelivery,
        "6" => TrackingState.Returning,
        "7" => TrackingState.Transferred,
        "10" or "11" or "12" => TrackingState.Customs,
        "13" => TrackingState.Problem,
        "14" => TrackingState.Refused,
        _ => TrackingState.InTransit,
    };

    /// <summary>A row's Chinese status name (<c>resultv2</c>) when given: 揽收, 在途, 派件, 签收, 疑难, 退签, 退回, 转投, 拒签.</summary>
    public static TrackingState? FromStatusName(string? name) => name switch
    {
        null or "" => null,
        _ when name.Contains("揽收", StringComparison.Ordinal) => TrackingState.PickedUp,
        _ when name.Contains("派件", StringComparison.Ordinal) || name.Contains("派送", StringComparison.Ordinal) => TrackingState.OutForDelivery,
        _ when name.Contains("退签", StringComparison.Ordinal) => TrackingState.Returned,
        _ when name.Contains("拒签", StringComparison.Ordinal) => TrackingState.Refused,
        _ when name.Contains("签收", StringComparison.Ordinal) => TrackingState.Delivered,
        _ when name.Contains("疑难", StringComparison.Ordinal) => TrackingState.Problem,
        _ when name.Contains("退回", StringComparison.Ordinal) => TrackingState.Returning,
        _ when name.Contains("转投", StringComparison.Ordinal) => TrackingState.Transferred,
        _ when name.Contains("清关", StringComparison.Ordinal) => TrackingState.Customs,
        _ when name.Contains("在途", StringComparison.Ordinal) || name.Contains("运输", StringComparison.Ordinal) => TrackingState.InTransit,
        _ => null,
    };

    public static bool IsProblem(TrackingState state) => state is TrackingState.Problem or TrackingState.Returned or TrackingState.Returning or TrackingState.Refused;

    public static bool IsFinal(TrackingState state) => state is TrackingState.Delivered or TrackingState.Returned;
}
