using System.Globalization;

namespace Orderly.Server.Demo;

/// <summary>A product of the demo catalogue and how customers usually buy it.</summary>
/// <param name="TypicalQuantity">A usual line quantity for a mid-sized customer.</param>
/// <param name="Step">Quantities are multiples of this (a box, a pack, half a litre or metre).</param>
internal sealed record DemoProductSpec(
    string Sku, string Name, string Unit, string Category, decimal ListPrice, bool IsWholeUnit,
    decimal TypicalQuantity, decimal Step, bool Discontinued = false, string? NameEn = null);

/// <summary>
/// The demo catalogue: about 280 industrial-supply products, each named in Chinese and in English, in ten categories with CNY list prices
/// in the range a Chinese MRO distributor charges.
/// </summary>
internal static class DemoCatalog
{
    public const string Fasteners = "紧固件 / Fasteners";
    public const string Bearings = "轴承 / Bearings";
    public const string Electrical = "电气元件 / Electrical";
    public const string Tools = "工具 / Tools";
    public const string Hydraulics = "液压件 / Hydraulics";
    public const string Packaging = "包装材料 / Packaging";
    public const string Safety = "劳保用品 / Safety";
    public const string Lubricants = "润滑油 / Lubricants";
    public const string Cables = "线缆 / Cables";
    public const string Office = "办公用品 / Office supplies";

    public static readonly string[] Categories =
        [Fasteners, Bearings, Electrical, Tools, Hydraulics, Packaging, Safety, Lubricants, Cables, Office];

    public static IReadOnlyList<DemoProductSpec> Products { get; } = Build();

    private static List<DemoProductSpec> Build()
    {
        var list = new List<DemoProductSpec>();
        AddFasteners(list);
        AddBearings(list);
        AddElectrical(list);
        AddTools(list);
        AddHydraulics(list);
        AddPackaging(list);
        AddSafety(list);
        AddLubricants(list);
        AddCables(list);
        AddOffice(list);
        AddDiscontinued(list);
        return list;
    }

    private static void AddFasteners(List<DemoProductSpec> list)
    {
        (int D, int L)[] bolts = [(6, 20), (6, 30), (8, 25), (8, 40), (8, 60), (10, 30), (10, 50), (12, 40), (12, 60), (16, 60), (16, 80), (20, 100)];
        foreach (var (d, l) in bolts)
        {
            var price = HalfYuan(6m + (0.0117m * d * d * (l + (2 * d))));
            list.Add(Piece($"FAS-HB-M{d}-{l}", $"六角螺栓 M{d}×{l} 8.8级镀锌 (100只/盒)", $"Hex bolt M{d}x{l} grade 8.8 zinc, box of 100", Fasteners, price, "box", 1500m, 5m));
        }

        foreach (var d in new[] { 6, 8, 10, 12, 16, 20 })
        {
            list.Add(Piece($"FAS-HN-M{d}", $"六角螺母 M{d} 8级镀锌 (100只/盒)", $"Hex nut M{d} grade 8 zinc, box of 100", Fasteners, HalfYuan(4m + (0.09m * d * d)), "box", 800m, 5m));
            list.Add(Piece($"FAS-FW-M{d}", $"平垫圈 M{d} 镀锌 (100只/盒)", $"Flat washer M{d} zinc, box of 100", Fasteners, HalfYuan(3m + (0.04m * d * d)), "box", 500m, 5m));
        }

        foreach (var d in new[] { 6, 8, 10, 12, 16 })
        {
            list.Add(Piece($"FAS-SW-M{d}", $"弹簧垫圈 M{d} (100只/盒)", $"Spring washer M{d}, box of 100", Fasteners, HalfYuan(3m + (0.05m * d * d)), "box", 500m, 5m));
        }

        foreach (var (d, l) in new[] { (4, 12), (5, 16), (6, 20), (8, 25), (10, 30), (12, 40) })
        {
            list.Add(Piece($"FAS-SHCS-M{d}-{l}", $"内六角圆柱头螺钉 M{d}×{l} 12.9级 (100只/盒)", $"Socket head cap screw M{d}x{l} grade 12.9, box of 100", Fasteners,
                HalfYuan(8m + (0.02m * d * d * (l + (2 * d)))), "box", 1200m, 2m));
        }

        foreach (var (d, l) in new[] { (6, 25), (8, 30), (10, 40) })
        {
            list.Add(Piece($"FAS-SS-M{d}-{l}", $"304不锈钢六角螺栓 M{d}×{l} (100只/盒)", $"Stainless 304 hex bolt M{d}x{l}, box of 100", Fasteners,
                HalfYuan(3m * (6m + (0.0117m * d * d * (l + (2 * d))))), "box", 1500m, 2m));
        }

        foreach (var (d, l) in new[] { (8, 80), (10, 100), (12, 120) })
        {
            list.Add(Piece($"FAS-EA-M{d}-{l}", $"膨胀螺栓 M{d}×{l} (50套/盒)", $"Expansion anchor M{d}x{l}, box of 50", Fasteners, HalfYuan(20m + (0.006m * d * d * l)), "box", 1200m, 2m));
        }
    }

    private static void AddBearings(List<DemoProductSpec> list)
    {
        decimal[] deepGroove = [6.8m, 7.2m, 7.8m, 8.9m, 11.5m, 13.8m, 19.5m, 27m, 33m, 39m, 45m];
        for (var i = 0; i < deepGroove.Length; i++)
        {
            var code = $"62{i:00}-2RS";
            list.Add(Piece($"BRG-{code}", $"深沟球轴承 {code}", $"Deep groove ball bearing {code}", Bearings, deepGroove[i], "pcs", 1000m, 10m));
        }

        decimal[] medium = [9.5m, 10.8m, 12.5m, 15m, 19.8m, 26m, 36m, 48m, 62m];
        for (var i = 0; i < medium.Length; i++)
        {
            var code = $"63{i:00}-ZZ";
            list.Add(Piece($"BRG-{code}", $"深沟球轴承 {code}", $"Deep groove ball bearing {code}", Bearings, medium[i], "pcs", 1000m, 10m));
        }

        decimal[] tapered = [24m, 28m, 35m, 46m, 55m, 66m, 78m];
        for (var i = 0; i < tapered.Length; i++)
        {
            var code = $"302{i + 4:00}";
            list.Add(Piece($"BRG-{code}", $"圆锥滚子轴承 {code}", $"Tapered roller bearing {code}", Bearings, tapered[i], "pcs", 1500m, 5m));
        }

        decimal[] pillow = [38m, 45m, 58m, 78m, 95m, 118m, 145m];
        for (var i = 0; i < pillow.Length; i++)
        {
            var code = $"UCP2{i + 4:00}";
            list.Add(Piece($"BRG-{code}", $"带座外球面轴承 {code}", $"Pillow block bearing {code}", Bearings, pillow[i], "pcs", 1500m, 2m));
        }

        decimal[] thrust = [9.8m, 12m, 15m, 19m, 24m];
        for (var i = 0; i < thrust.Length; i++)
        {
            var code = $"511{i + 4:00}";
            list.Add(Piece($"BRG-{code}", $"推力球轴承 {code}", $"Thrust ball bearing {code}", Bearings, thrust[i], "pcs", 800m, 10m));
        }
    }

    private static void AddElectrical(List<DemoProductSpec> list)
    {
        (string Poles, int Amps, decimal Price)[] breakers =
        [
            ("1P", 10, 16.5m), ("1P", 16, 16.5m), ("1P", 20, 17.5m), ("1P", 32, 19.5m), ("1P", 63, 32m),
            ("2P", 16, 36m), ("2P", 32, 42m), ("2P", 63, 68m), ("3P", 16, 55m), ("3P", 32, 64m), ("3P", 63, 98m),
        ];
        foreach (var (poles, amps, price) in breakers)
        {
            list.Add(Piece($"ELE-MCB-{poles}-C{amps}", $"小型断路器 C{amps} {poles}", $"Miniature circuit breaker C{amps} {poles}", Electrical, price, "pcs", 1200m, 6m));
        }

        foreach (var (amps, price) in new[] { (9, 62m), (12, 75m), (18, 98m), (25, 135m), (32, 168m), (40, 265m), (65, 420m) })
        {
            list.Add(Piece($"ELE-CT-{amps:00}", $"交流接触器 {amps}A 线圈220V", $"AC contactor {amps}A, 220V coil", Electrical, price, "pcs", 1500m, 2m));
        }

        foreach (var (range, price) in new[] { ("2.5-4", 58m), ("5.5-8", 62m), ("17-25", 88m) })
        {
            list.Add(Piece($"ELE-TOR-{range.Replace('.', 'P')}", $"热过载继电器 {range}A", $"Thermal overload relay {range}A", Electrical, price, "pcs", 800m, 2m));
        }

        list.Add(Piece("ELE-RLY-24DC", "中间继电器 24VDC 8脚", "Plug-in relay 24VDC, 8-pin", Electrical, 18.5m, "pcs", 600m, 10m));
        list.Add(Piece("ELE-RLY-220AC", "中间继电器 220VAC 8脚", "Plug-in relay 220VAC, 8-pin", Electrical, 19.5m, "pcs", 600m, 10m));
        list.Add(Piece("ELE-PB-GRN", "按钮开关 绿色 22mm", "Push button, green, 22mm", Electrical, 12m, "pcs", 400m, 10m));
        list.Add(Piece("ELE-PB-RED", "按钮开关 红色 22mm", "Push button, red, 22mm", Electrical, 12m, "pcs", 400m, 10m));
        list.Add(Piece("ELE-PB-ESTOP", "急停按钮 40mm 蘑菇头", "Emergency stop button, 40mm mushroom", Electrical, 26m, "pcs", 400m, 5m));
        list.Add(Piece("ELE-PL-RED", "信号指示灯 红色 220V", "Pilot light, red, 220V", Electrical, 8.5m, "pcs", 300m, 10m));
        list.Add(Piece("ELE-PL-GRN", "信号指示灯 绿色 220V", "Pilot light, green, 220V", Electrical, 8.5m, "pcs", 300m, 10m));
        list.Add(Piece("ELE-PXS-M12", "电感式接近开关 M12 NPN常开", "Inductive proximity sensor M12 NPN NO", Electrical, 48m, "pcs", 800m, 5m));
        list.Add(Piece("ELE-PXS-M18", "电感式接近开关 M18 NPN常开", "Inductive proximity sensor M18 NPN NO", Electrical, 62m, "pcs", 800m, 5m));
        list.Add(Piece("ELE-VFD-0K75", "变频器 0.75kW 单相220V", "Variable frequency drive 0.75kW, 1-phase 220V", Electrical, 1280m, "pcs", 5000m, 1m));
        list.Add(Piece("ELE-VFD-2K2", "变频器 2.2kW 三相380V", "Variable frequency drive 2.2kW, 3-phase 380V", Electrical, 1980m, "pcs", 6000m, 1m));
        list.Add(Piece("ELE-VFD-5K5", "变频器 5.5kW 三相380V", "Variable frequency drive 5.5kW, 3-phase 380V", Electrical, 3650m, "pcs", 8000m, 1m));
        list.Add(Piece("ELE-VFD-11K", "变频器 11kW 三相380V", "Variable frequency drive 11kW, 3-phase 380V", Electrical, 6280m, "pcs", 12000m, 1m));
        list.Add(Piece("ELE-PSU-24V5A", "开关电源 24V 5A", "Switching power supply 24V 5A", Electrical, 85m, "pcs", 800m, 2m));
        list.Add(Piece("ELE-PSU-24V10A", "开关电源 24V 10A", "Switching power supply 24V 10A", Electrical, 128m, "pcs", 800m, 2m));
        list.Add(Piece("ELE-TB-2P5", "导轨式接线端子 2.5mm² (100只/盒)", "DIN rail terminal block 2.5mm², box of 100", Electrical, 65m, "box", 500m, 1m));
    }

    private static void AddTools(List<DemoProductSpec> list)
    {
        (string Sku, string Zh, string En, decimal Price, string Unit)[] tools =
        [
            ("TOL-TW-12-200", "扭力扳手 1/2\" 40-200N·m", "Torque wrench 1/2\" 40-200 N·m", 680m, "pcs"),
            ("TOL-TW-38-100", "扭力扳手 3/8\" 20-100N·m", "Torque wrench 3/8\" 20-100 N·m", 520m, "pcs"),
            ("TOL-SS-46", "套筒扳手套装 46件", "Socket wrench set, 46 pieces", 280m, "set"),
            ("TOL-SS-24", "1/2\"套筒扳手套装 24件", "1/2\" socket set, 24 pieces", 360m, "set"),
            ("TOL-HK-9", "内六角扳手套装 公制9件", "Hex key set, metric, 9 pieces", 45m, "set"),
            ("TOL-SD-12", "螺丝刀套装 12件", "Screwdriver set, 12 pieces", 85m, "set"),
            ("TOL-CW-14", "两用扳手套装 8-22mm 14件", "Combination wrench set 8-22mm, 14 pieces", 320m, "set"),
            ("TOL-DRL-18V", "锂电充电钻 18V 双电池", "Cordless drill 18V, two batteries", 899m, "pcs"),
            ("TOL-IW-18V", "锂电冲击扳手 18V", "Cordless impact wrench 18V", 1299m, "pcs"),
            ("TOL-AG-100", "角磨机 100mm 850W", "Angle grinder 100mm 850W", 329m, "pcs"),
            ("TOL-CAL-150", "数显卡尺 0-150mm", "Digital caliper 0-150mm", 268m, "pcs"),
            ("TOL-CAL-300", "数显卡尺 0-300mm", "Digital caliper 0-300mm", 680m, "pcs"),
            ("TOL-MIC-25", "外径千分尺 0-25mm", "Outside micrometer 0-25mm", 360m, "pcs"),
            ("TOL-DMM", "数字万用表", "Digital multimeter", 198m, "pcs"),
            ("TOL-CLAMP", "数字钳形表 600A", "Digital clamp meter 600A", 368m, "pcs"),
            ("TOL-PL-8", "钢丝钳 8\"", "Combination pliers 8\"", 42m, "pcs"),
            ("TOL-PL-NOSE-6", "尖嘴钳 6\"", "Long-nose pliers 6\"", 36m, "pcs"),
            ("TOL-PL-DIAG-6", "斜口钳 6\"", "Diagonal cutters 6\"", 38m, "pcs"),
            ("TOL-TAPE-5M", "钢卷尺 5m", "Tape measure 5m", 28m, "pcs"),
            ("TOL-TAPE-7M5", "钢卷尺 7.5m", "Tape measure 7.5m", 38m, "pcs"),
            ("TOL-KNIFE", "美工刀 18mm", "Utility knife 18mm", 15m, "pcs"),
            ("TOL-MALLET", "橡胶锤 450g", "Rubber mallet 450g", 35m, "pcs"),
            ("TOL-HAMMER", "羊角锤 0.5kg", "Claw hammer 0.5kg", 48m, "pcs"),
            ("TOL-PW-18", "管子钳 18\"", "Pipe wrench 18\"", 95m, "pcs"),
            ("TOL-AW-10", "活动扳手 10\"", "Adjustable wrench 10\"", 48m, "pcs"),
            ("TOL-AW-12", "活动扳手 12\"", "Adjustable wrench 12\"", 62m, "pcs"),
            ("TOL-GD-100", "砂轮片 100mm (50片/盒)", "Grinding disc 100mm, box of 50", 120m, "box"),
            ("TOL-CD-100", "切割片 100mm (50片/盒)", "Cutting disc 100mm, box of 50", 95m, "box"),
        ];
        foreach (var (sku, zh, en, price, unit) in tools)
        {
            list.Add(Piece(sku, zh, en, Tools, price, unit, price > 500m ? 2500m : 600m, 1m));
        }
    }

    private static void AddHydraulics(List<DemoProductSpec> list)
    {
        (string Sku, string Zh, string En, decimal Price)[] parts =
        [
            ("HYD-GP-E306", "齿轮泵 CBN-E306", "Gear pump CBN-E306", 380m),
            ("HYD-GP-E310", "齿轮泵 CBN-E310", "Gear pump CBN-E310", 420m),
            ("HYD-GP-E316", "齿轮泵 CBN-E316", "Gear pump CBN-E316", 480m),
            ("HYD-GP-E320", "齿轮泵 CBN-E320", "Gear pump CBN-E320", 560m),
            ("HYD-PP-28", "轴向柱塞泵 A10VSO28", "Axial piston pump A10VSO28", 9800m),
            ("HYD-PP-45", "轴向柱塞泵 A10VSO45", "Axial piston pump A10VSO45", 13600m),
            ("HYD-PP-71", "轴向柱塞泵 A10VSO71", "Axial piston pump A10VSO71", 18900m),
            ("HYD-VP-10", "叶片泵 PV2R1-10", "Vane pump PV2R1-10", 1350m),
            ("HYD-VP-19", "叶片泵 PV2R1-19", "Vane pump PV2R1-19", 1480m),
            ("HYD-SV-6D", "电磁换向阀 4WE6D 24VDC", "Solenoid directional valve 4WE6D 24VDC", 420m),
            ("HYD-SV-6E", "电磁换向阀 4WE6E 24VDC", "Solenoid directional valve 4WE6E 24VDC", 440m),
            ("HYD-SV-6J", "电磁换向阀 4WE6J 24VDC", "Solenoid directional valve 4WE6J 24VDC", 440m),
            ("HYD-SV-10E", "电磁换向阀 4WE10E 24VDC", "Solenoid directional valve 4WE10E 24VDC", 780m),
            ("HYD-RV-6", "直动式溢流阀 DBDS6", "Direct relief valve DBDS6", 260m),
            ("HYD-RV-10", "先导式溢流阀 DBW10", "Pilot relief valve DBW10", 980m),
            ("HYD-CV-8", "单向阀 RVP8", "Check valve RVP8", 85m),
            ("HYD-CV-12", "单向阀 RVP12", "Check valve RVP12", 120m),
            ("HYD-CYL-63", "液压油缸 63/35-200", "Hydraulic cylinder 63/35-200", 1150m),
            ("HYD-CYL-80", "液压油缸 80/45-300", "Hydraulic cylinder 80/45-300", 1680m),
            ("HYD-CYL-100", "液压油缸 100/56-400", "Hydraulic cylinder 100/56-400", 2450m),
            ("HYD-HOSE-04", "高压胶管总成 1/4\" 1m", "High-pressure hose assembly 1/4\" 1m", 45m),
            ("HYD-HOSE-06", "高压胶管总成 3/8\" 1m", "High-pressure hose assembly 3/8\" 1m", 58m),
            ("HYD-HOSE-08", "高压胶管总成 1/2\" 1.5m", "High-pressure hose assembly 1/2\" 1.5m", 86m),
            ("HYD-HOSE-12", "高压胶管总成 3/4\" 2m", "High-pressure hose assembly 3/4\" 2m", 138m),
            ("HYD-QC-04", "液压快速接头 1/4\"", "Hydraulic quick coupling 1/4\"", 65m),
            ("HYD-QC-08", "液压快速接头 1/2\"", "Hydraulic quick coupling 1/2\"", 110m),
            ("HYD-PG-25", "耐震压力表 0-25MPa", "Glycerine pressure gauge 0-25 MPa", 68m),
            ("HYD-PG-40", "耐震压力表 0-40MPa", "Glycerine pressure gauge 0-40 MPa", 75m),
            ("HYD-FLT-10", "回油滤芯 10μm", "Return filter element 10μm", 95m),
            ("HYD-ACC-4L", "囊式蓄能器 4L", "Bladder accumulator 4L", 1650m),
        ];
        foreach (var (sku, zh, en, price) in parts)
        {
            list.Add(Piece(sku, zh, en, Hydraulics, price, "pcs", price > 5000m ? 30000m : price > 300m ? 4000m : 900m, 1m));
        }
    }

    private static void AddPackaging(List<DemoProductSpec> list)
    {
        (string Sku, string Zh, string En, decimal Price, string Unit, decimal Step)[] items =
        [
            ("PKG-CTN-3-S", "三层瓦楞纸箱 300×200×200 (50只/捆)", "3-ply carton 300x200x200, bundle of 50", 45m, "pack", 1m),
            ("PKG-CTN-3-M", "三层瓦楞纸箱 400×300×300 (50只/捆)", "3-ply carton 400x300x300, bundle of 50", 68m, "pack", 1m),
            ("PKG-CTN-5-M", "五层瓦楞纸箱 400×300×300 (50只/捆)", "5-ply carton 400x300x300, bundle of 50", 98m, "pack", 1m),
            ("PKG-CTN-5-L", "五层瓦楞纸箱 600×400×400 (50只/捆)", "5-ply carton 600x400x400, bundle of 50", 160m, "pack", 1m),
            ("PKG-CTN-5-XL", "五层重型纸箱 800×600×500 (20只/捆)", "5-ply heavy carton 800x600x500, bundle of 20", 150m, "pack", 1m),
            ("PKG-TAPE-CLR", "透明封箱胶带 48mm×100m", "Clear sealing tape 48mm x 100m", 6.5m, "roll", 12m),
            ("PKG-TAPE-BRN", "牛皮色封箱胶带 48mm×100m", "Tan sealing tape 48mm x 100m", 6.8m, "roll", 12m),
            ("PKG-TAPE-FRG", "易碎品警示胶带 48mm×100m", "\"Fragile\" printed tape 48mm x 100m", 9m, "roll", 12m),
            ("PKG-FILM-50", "缠绕膜 50cm×17μm", "Stretch film 50cm x 17μm", 38m, "roll", 2m),
            ("PKG-BUB-1M", "气泡膜 1m×50m", "Bubble wrap 1m x 50m", 85m, "roll", 1m),
            ("PKG-PP-15", "PP打包带 15mm 10kg", "PP strapping 15mm, 10kg roll", 95m, "roll", 1m),
            ("PKG-PET-16", "PET塑钢打包带 16mm 20kg", "PET strapping 16mm, 20kg roll", 210m, "roll", 1m),
            ("PKG-EPE-1M", "珍珠棉卷材 1m×2mm", "EPE foam roll 1m x 2mm", 120m, "roll", 1m),
            ("PKG-PAL-PL", "塑料托盘 1200×1000 川字", "Plastic pallet 1200x1000", 260m, "pcs", 5m),
            ("PKG-PAL-WD", "熏蒸木托盘 1200×1000", "Fumigated wooden pallet 1200x1000", 85m, "pcs", 10m),
            ("PKG-ZIP-1015", "自封袋 10×15cm (100只/包)", "Zip bag 10x15cm, pack of 100", 12m, "pack", 10m),
            ("PKG-LBL-100150", "热敏快递面单 100×150 (500张/卷)", "Thermal shipping labels 100x150, roll of 500", 35m, "roll", 5m),
            ("PKG-DES-100", "干燥剂 100g (100包/箱)", "Desiccant 100g, case of 100", 68m, "box", 1m),
            ("PKG-CRN-50", "纸护角 50×50×5 (100根/捆)", "Paper edge protector 50x50x5, bundle of 100", 65m, "pack", 1m),
            ("PKG-TIE-300", "尼龙扎带 4.8×300 (100根/包)", "Nylon cable tie 4.8x300, pack of 100", 14m, "pack", 10m),
        ];
        foreach (var (sku, zh, en, price, unit, step) in items)
        {
            list.Add(Piece(sku, zh, en, Packaging, price, unit, 1200m, step));
        }
    }

    private static void AddSafety(List<DemoProductSpec> list)
    {
        (string Sku, string Zh, string En, decimal Price, string Unit, decimal Step)[] items =
        [
            ("SAF-HH-WHT", "ABS安全帽 白色", "ABS hard hat, white", 28m, "pcs", 10m),
            ("SAF-HH-YEL", "ABS安全帽 黄色", "ABS hard hat, yellow", 28m, "pcs", 10m),
            ("SAF-HH-RED", "ABS安全帽 红色", "ABS hard hat, red", 28m, "pcs", 10m),
            ("SAF-HH-BLU", "ABS安全帽 蓝色", "ABS hard hat, blue", 28m, "pcs", 10m),
            ("SAF-GL-NIT", "丁腈浸胶手套 (12双/包)", "Nitrile-coated gloves, pack of 12 pairs", 72m, "pack", 5m),
            ("SAF-GL-CUT5", "防割手套 5级", "Cut-resistant gloves, level 5", 28m, "pair", 12m),
            ("SAF-GL-COT", "棉纱手套 (12双/包)", "Cotton work gloves, pack of 12 pairs", 25m, "pack", 10m),
            ("SAF-GL-WLD", "电焊皮手套", "Leather welding gloves", 35m, "pair", 12m),
            ("SAF-GOG", "防冲击护目镜", "Impact safety goggles", 22m, "pcs", 10m),
            ("SAF-FS", "防护面屏", "Face shield", 38m, "pcs", 5m),
            ("SAF-EP-200", "隔音耳塞 (200副/盒)", "Foam ear plugs, box of 200 pairs", 180m, "box", 1m),
            ("SAF-EM", "防噪音耳罩", "Ear muffs", 68m, "pcs", 5m),
            ("SAF-VEST", "反光背心", "High-visibility vest", 15m, "pcs", 20m),
            ("SAF-MSK-KN95", "KN95防尘口罩 (50只/盒)", "KN95 dust mask, box of 50", 85m, "box", 2m),
            ("SAF-RSP-HALF", "半面罩防毒面具", "Half-face respirator", 95m, "pcs", 5m),
            ("SAF-RSP-CART", "防毒滤盒 (2只/对)", "Respirator cartridges, pair", 45m, "pair", 10m),
            ("SAF-HRN", "全身式安全带", "Full-body safety harness", 268m, "pcs", 2m),
            ("SAF-LYD", "缓冲安全绳 1.8m", "Shock-absorbing lanyard 1.8m", 85m, "pcs", 2m),
            ("SAF-FE-4KG", "ABC干粉灭火器 4kg", "ABC dry powder extinguisher 4kg", 95m, "pcs", 4m),
            ("SAF-FAK", "工业急救箱", "Industrial first-aid kit", 150m, "pcs", 1m),
        ];
        foreach (var (sku, zh, en, price, unit, step) in items)
        {
            list.Add(Piece(sku, zh, en, Safety, price, unit, 900m, step));
        }

        for (var size = 39; size <= 45; size++)
        {
            list.Add(Piece($"SAF-SHOE-{size}", $"钢包头安全鞋 {size}码", $"Steel-toe safety shoes, size {size}", Safety, 168m, "pair", 800m, 2m));
        }
    }

    private static void AddLubricants(List<DemoProductSpec> list)
    {
        (string Sku, string Zh, string En, decimal Price, string Unit)[] items =
        [
            ("LUB-HM-32", "抗磨液压油 L-HM 32", "Anti-wear hydraulic oil L-HM 32", 14.5m, "L"),
            ("LUB-HM-46", "抗磨液压油 L-HM 46", "Anti-wear hydraulic oil L-HM 46", 15m, "L"),
            ("LUB-HM-68", "抗磨液压油 L-HM 68", "Anti-wear hydraulic oil L-HM 68", 15.8m, "L"),
            ("LUB-HV-32", "低温液压油 L-HV 32", "Low-temperature hydraulic oil L-HV 32", 19.5m, "L"),
            ("LUB-CKC-150", "工业齿轮油 L-CKC 150", "Industrial gear oil L-CKC 150", 18m, "L"),
            ("LUB-CKC-220", "工业齿轮油 L-CKC 220", "Industrial gear oil L-CKC 220", 19m, "L"),
            ("LUB-CKC-320", "工业齿轮油 L-CKC 320", "Industrial gear oil L-CKC 320", 20.5m, "L"),
            ("LUB-GW-68", "导轨油 68", "Slideway oil 68", 17.5m, "L"),
            ("LUB-DAB-46", "空压机油 L-DAB 46", "Air compressor oil L-DAB 46", 22m, "L"),
            ("LUB-TSA-32", "汽轮机油 L-TSA 32", "Turbine oil L-TSA 32", 21m, "L"),
            ("LUB-LI-2", "锂基润滑脂 2号", "Lithium grease NLGI 2", 26m, "kg"),
            ("LUB-LI-3", "锂基润滑脂 3号", "Lithium grease NLGI 3", 27m, "kg"),
            ("LUB-HT-GR", "高温润滑脂", "High-temperature grease", 58m, "kg"),
            ("LUB-CF-SEMI", "半合成切削液", "Semi-synthetic cutting fluid", 24m, "L"),
            ("LUB-CO-NEAT", "切削油", "Neat cutting oil", 19m, "L"),
            ("LUB-RP", "防锈油", "Rust-preventive oil", 18m, "L"),
            ("LUB-CHAIN", "链条油", "Chain oil", 32m, "L"),
        ];
        foreach (var (sku, zh, en, price, unit) in items)
        {
            list.Add(new DemoProductSpec(sku, zh, unit, Lubricants, price, IsWholeUnit: false, TypicalQuantity: 120m, Step: 0.5m, NameEn: en));
        }
    }

    private static void AddCables(List<DemoProductSpec> list)
    {
        (string Sku, string Zh, string En, decimal Price)[] items =
        [
            ("CAB-YJV-3X2P5", "电力电缆 YJV 3×2.5mm²", "Power cable YJV 3x2.5mm²", 8.6m),
            ("CAB-YJV-3X4", "电力电缆 YJV 3×4mm²", "Power cable YJV 3x4mm²", 12.8m),
            ("CAB-YJV-3X6", "电力电缆 YJV 3×6mm²", "Power cable YJV 3x6mm²", 18.5m),
            ("CAB-YJV-3X10", "电力电缆 YJV 3×10+2×6mm²", "Power cable YJV 3x10+2x6mm²", 38m),
            ("CAB-YJV-3X16", "电力电缆 YJV 3×16+2×10mm²", "Power cable YJV 3x16+2x10mm²", 58m),
            ("CAB-YJV-3X25", "电力电缆 YJV 3×25+2×16mm²", "Power cable YJV 3x25+2x16mm²", 88m),
            ("CAB-YJV-3X35", "电力电缆 YJV 3×35+2×16mm²", "Power cable YJV 3x35+2x16mm²", 118m),
            ("CAB-BV-1P5", "单芯铜线 BV 1.5mm²", "Single-core wire BV 1.5mm²", 1.2m),
            ("CAB-BV-2P5", "单芯铜线 BV 2.5mm²", "Single-core wire BV 2.5mm²", 1.9m),
            ("CAB-BV-4", "单芯铜线 BV 4mm²", "Single-core wire BV 4mm²", 3m),
            ("CAB-BV-6", "单芯铜线 BV 6mm²", "Single-core wire BV 6mm²", 4.5m),
            ("CAB-RVV-2X1", "护套软线 RVV 2×1.0mm²", "Sheathed flexible cable RVV 2x1.0mm²", 2.8m),
            ("CAB-RVV-3X1P5", "护套软线 RVV 3×1.5mm²", "Sheathed flexible cable RVV 3x1.5mm²", 4.6m),
            ("CAB-RVVP-2X0P5", "屏蔽信号线 RVVP 2×0.5mm²", "Shielded signal cable RVVP 2x0.5mm²", 2.2m),
            ("CAB-RVVP-4X0P75", "屏蔽信号线 RVVP 4×0.75mm²", "Shielded signal cable RVVP 4x0.75mm²", 4.3m),
            ("CAB-KVVP-7X1P5", "屏蔽控制电缆 KVVP 7×1.5mm²", "Shielded control cable KVVP 7x1.5mm²", 12.5m),
            ("CAB-CAT6", "六类非屏蔽网线", "Cat 6 U/UTP network cable", 3.2m),
            ("CAB-CAT6A", "超六类屏蔽网线", "Cat 6A F/UTP network cable", 5.8m),
            ("CAB-WLD-35", "电焊机电缆 35mm²", "Welding cable 35mm²", 24m),
            ("CAB-WLD-50", "电焊机电缆 50mm²", "Welding cable 50mm²", 33m),
            ("CAB-TRAY-100", "热镀锌桥架 100×50", "Galvanised cable tray 100x50", 36m),
            ("CAB-CONDUIT-20", "PVC穿线管 φ20", "PVC conduit Ø20", 2.6m),
        ];
        foreach (var (sku, zh, en, price) in items)
        {
            list.Add(new DemoProductSpec(sku, zh, "m", Cables, price, IsWholeUnit: false,
                TypicalQuantity: Math.Clamp(decimal.Round(2500m / price / 10m) * 10m, 20m, 1000m), Step: 0.5m, NameEn: en));
        }
    }

    private static void AddOffice(List<DemoProductSpec> list)
    {
        (string Sku, string Zh, string En, decimal Price, string Unit, decimal Step)[] items =
        [
            ("OFF-A4-70", "A4复印纸 70g (500张/包)", "A4 copy paper 70g, ream of 500", 22m, "ream", 5m),
            ("OFF-A4-80", "A4复印纸 80g (500张/包)", "A4 copy paper 80g, ream of 500", 26m, "ream", 5m),
            ("OFF-A3-80", "A3复印纸 80g (500张/包)", "A3 copy paper 80g, ream of 500", 52m, "ream", 5m),
            ("OFF-A4-80-BOX", "A4复印纸 80g (5包/箱)", "A4 copy paper 80g, case of 5 reams", 125m, "box", 2m),
            ("OFF-PEN-BLK", "中性笔 黑色 0.5mm (12支/盒)", "Gel pen, black 0.5mm, box of 12", 18m, "box", 5m),
            ("OFF-PEN-BLU", "中性笔 蓝色 0.5mm (12支/盒)", "Gel pen, blue 0.5mm, box of 12", 18m, "box", 5m),
            ("OFF-PEN-RED", "中性笔 红色 0.5mm (12支/盒)", "Gel pen, red 0.5mm, box of 12", 18m, "box", 5m),
            ("OFF-MRK", "记号笔 黑色 (10支/盒)", "Permanent marker, black, box of 10", 28m, "box", 2m),
            ("OFF-HL", "荧光笔 混色 (6支/盒)", "Highlighters, assorted, box of 6", 24m, "box", 2m),
            ("OFF-WBM", "白板笔 (10支/盒)", "Whiteboard markers, box of 10", 24m, "box", 2m),
            ("OFF-STPL", "订书机 24/6", "Stapler 24/6", 18m, "pcs", 2m),
            ("OFF-STPL-PIN", "订书钉 24/6 (1000枚/盒)", "Staples 24/6, box of 1000", 4.5m, "box", 10m),
            ("OFF-LAF", "A4档案夹 75mm", "A4 lever arch file 75mm", 12m, "pcs", 10m),
            ("OFF-FLD-10", "资料文件夹 (10个/包)", "Document folders, pack of 10", 15m, "pack", 5m),
            ("OFF-TON-CF228A", "硒鼓 HP CF228A", "Toner cartridge HP CF228A", 480m, "pcs", 1m),
            ("OFF-TON-TN2425", "粉盒 Brother TN-2425", "Toner cartridge Brother TN-2425", 390m, "pcs", 1m),
            ("OFF-NOTE", "便利贴 76×76 (12本/包)", "Sticky notes 76x76, pack of 12", 8.5m, "pack", 5m),
            ("OFF-NB-A5", "A5笔记本 (10本/包)", "A5 notebooks, pack of 10", 45m, "pack", 2m),
            ("OFF-CALC", "计算器 12位", "Desktop calculator, 12 digits", 55m, "pcs", 2m),
            ("OFF-BAT-AA", "5号碱性电池 (20节/盒)", "AA alkaline batteries, box of 20", 36m, "box", 2m),
        ];
        foreach (var (sku, zh, en, price, unit, step) in items)
        {
            list.Add(Piece(sku, zh, en, Office, price, unit, 400m, step));
        }
    }

    /// <summary>Older models still on past orders; no longer sold.</summary>
    private static void AddDiscontinued(List<DemoProductSpec> list)
    {
        list.Add(Piece("OFF-TON-CE285A", "硒鼓 HP CE285A (停产)", "Toner cartridge HP CE285A (discontinued)", Office, 420m, "pcs", 400m, 1m) with { Discontinued = true });
        list.Add(Piece("TOL-DRL-12V", "锂电充电钻 12V (旧款)", "Cordless drill 12V (old model)", Tools, 499m, "pcs", 1500m, 1m) with { Discontinued = true });
        list.Add(Piece("HYD-GP-E304", "齿轮泵 CBN-E304 (停产)", "Gear pump CBN-E304 (discontinued)", Hydraulics, 360m, "pcs", 4000m, 1m) with { Discontinued = true });
        list.Add(Piece("PKG-TAPE-45", "封箱胶带 45mm×60m (旧规格)", "Sealing tape 45mm x 60m (old size)", Packaging, 4.5m, "roll", 1200m, 12m) with { Discontinued = true });
        list.Add(new DemoProductSpec("CAB-RVV-2X0P75", "护套软线 RVV 2×0.75mm² (停产)", "m", Cables, 2.1m,
            IsWholeUnit: false, TypicalQuantity: 500m, Step: 0.5m, Discontinued: true, NameEn: "Sheathed cable RVV 2x0.75mm² (discontinued)"));
    }

    private static DemoProductSpec Piece(string sku, string zh, string en, string category, decimal price, string unit, decimal lineValue, decimal step) =>
        new(sku, zh, unit, category, price, IsWholeUnit: true,
            TypicalQuantity: Math.Clamp(Math.Max(1m, decimal.Round(lineValue / price / step)) * step, step, 100m * step), Step: step, NameEn: en);

    private static decimal HalfYuan(decimal value) => decimal.Round(value * 2m, MidpointRounding.AwayFromZero) / 2m;
}
