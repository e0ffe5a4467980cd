using Orderly.Domain.Common;
using Orderly.Domain.Fulfillment;
using Orderly.Domain.Logistics;

namespace Orderly.Domain.Tests.Logistics;

public sealed class CarrierTests
{
    [Theory]
    [InlineData("顺丰速运", "SF", "SF7444407228423")]
    [InlineData("sf", "SF", "SF3297600239259")]
    [InlineData("京东", "JD", "JDVA11408814483")]
    [InlineData("中通快递", "ZTO", "73190553102532")]
    [InlineData("圆通", "YTO", "YT9383342193097")]
    [InlineData("韵达", "YUNDA", "4311159956248")]
    [InlineData("申通", "STO", "77316523125896")]
    [InlineData("EMS", "EMS", "EM263999513JP")]
    [InlineData("极兔速递", "JT", "JT0006968326954")]
    [InlineData("自有车队", "OWN", "车牌沪A12345")]
    public void Resolve_KnownCarriers_ByCodeOrChineseName(string carrier, string code, string number)
    {
        var choice = Carriers.Resolve(carrier, number);
        Assert.Equal((code, code, number), (choice.Code, choice.Name, choice.TrackingNumber));
    }

    [Theory]
    [InlineData("SF", "SF123")]
    [InlineData("顺丰", "YT9383342193097")]
    [InlineData("JD", "JD123")]
    [InlineData("圆通", "YT93833421930")]
    [InlineData("极兔", "JT12")]
    [InlineData("中通", "73-1905")]
    public void Resolve_BadNumbers_AreRefused(string carrier, string number) =>
        Assert.Equal("InvalidTrackingNumber", Assert.Throws<RuleViolationException>(() => Carriers.Resolve(carrier, number)).Code);

    [Fact]
    public void Resolve_UnlistedCarrier_KeepsItsName()
    {
        var choice = Carriers.Resolve("德邦快递", "DPK1234567890");
        Assert.Equal((null, "德邦快递", "DPK1234567890"), (choice.Code, choice.Name, choice.TrackingNumber));
        Assert.Equal((null, null, null), (Carriers.Resolve(null, " ").Code, Carriers.Resolve(null, " ").Name, Carriers.Resolve(null, null).TrackingNumber));
    }

    [Theory]
    [InlineData("0", TrackingState.InTransit)]
    [InlineData("1", TrackingState.PickedUp)]
    [InlineData("2", TrackingState.Problem)]
    [InlineData("3", TrackingState.Delivered)]
    [InlineData("4", TrackingState.Returned)]
    [InlineData("5", TrackingState.OutForDelivery)]
    [InlineData("6", TrackingState.Returning)]
    [InlineData("14", TrackingState.Refused)]
    public void Kuaidi100States_Map(string state, TrackingState expected) => Assert.Equal(expected, TrackingStates.FromKuaidi100(state));

    [Theory]
    [InlineData("揽收", TrackingState.PickedUp)]
    [InlineData("在途", TrackingState.InTransit)]
    [InlineData("派件", TrackingState.OutForDelivery)]
    [InlineData("签收", TrackingState.Delivered)]
    [InlineData("疑难", TrackingState.Problem)]
    [InlineData("退签", TrackingState.Returned)]
    [InlineData("拒签", TrackingState.Refused)]
    public void StatusNames_Map(string name, TrackingState expected) => Assert.Equal(expected, TrackingStates.FromStatusName(name));

    [Fact]
    public void ApplyTracking_TwiceTheSame_AddsOnce()
    {
        var shipment = new Shipment(Guid.NewGuid(), Guid.NewGuid(), "YTO", "YT9383342193097", [], DateTimeOffset.UnixEpoch, null);
        var events = new[]
        {
            new TrackingEvent(DateTimeOffset.UnixEpoch.AddHours(2), TrackingState.InTransit, "在途", "上海", "b"),
            new TrackingEvent(DateTimeOffset.UnixEpoch.AddHours(1), TrackingState.PickedUp, "揽收", "苏州", "a"),
        };
        Assert.Equal(2, shipment.ApplyTracking(events, null, DateTimeOffset.UnixEpoch).Count);
        Assert.Empty(shipment.ApplyTracking(events, null, DateTimeOffset.UnixEpoch));
        Assert.Equal((TrackingState.InTransit, DateTimeOffset.UnixEpoch.AddHours(2)), (shipment.TrackingState, shipment.LastEventAt));
        Assert.True(shipment.MarkDelayed("NoMovement", DateTimeOffset.UnixEpoch));
        Assert.False(shipment.MarkDelayed("NoMovement", DateTimeOffset.UnixEpoch));
    }
}
