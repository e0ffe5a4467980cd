using Orderly.Domain.Allocation;
using Orderly.Domain.Customers;

namespace Orderly.Server.Demo;

/// <summary>A demo customer: who it is, how it pays and what it usually buys.</summary>
/// <param name="Categories">The catalogue categories it buys from, as indexes into <see cref="DemoCatalog.Categories"/>.</param>
/// <param name="Rep">Which demo sales rep owns the account (1-3).</param>
/// <param name="SinceDays">How many days ago it placed its first order.</param>
/// <param name="UntilDays">How many days ago it placed its last order (blocked or inactive accounts).</param>
internal sealed record DemoCustomerSpec(
    string Code, string Name, string Region, string Address, string Domain, string Phone, CustomerTier Tier,
    decimal CreditLimit, int PaymentTermsDays, int[] Categories, int Rep, bool English = false,
    bool IsBlocked = false, bool IsActive = true, int SinceDays = 400, int UntilDays = 0,
    ReservationPolicy ReservationPolicy = ReservationPolicy.ShipPartial);

/// <summary>A person of the demo company: a login with a role.</summary>
/// <remarks>Sales reps 1 and 2 (East, South, West) report to the first manager, rep 3 (North, Central) to the second.</remarks>
internal sealed record DemoUserSpec(string Email, string DisplayName, string Role);

/// <summary>Forty-odd B2B customers across China's five sales regions, Chinese- and English-named.</summary>
internal static class DemoCustomers
{
    public const string Password = "Orderly-Demo-2026";

    public static readonly string[] Regions = ["East", "South", "North", "West", "Central"];

    public static IReadOnlyList<DemoUserSpec> Users { get; } =
    [
        new("manager@orderly.local", "陈建国 Chen Jianguo", Identity.Roles.SalesManager),
        new("manager2@orderly.local", "周志远 Zhou Zhiyuan", Identity.Roles.SalesManager),
        new("rep1@orderly.local", "王磊 Wang Lei", Identity.Roles.SalesRep),
        new("rep2@orderly.local", "李静 Li Jing", Identity.Roles.SalesRep),
        new("rep3@orderly.local", "张伟 Zhang Wei", Identity.Roles.SalesRep),
        new("clerk@orderly.local", "刘芳 Liu Fang", Identity.Roles.OrderClerk),
        new("warehouse@orderly.local", "赵强 Zhao Qiang", Identity.Roles.Warehouse),
        new("finance@orderly.local", "孙丽 Sun Li", Identity.Roles.Finance),
    ];

    // Category indexes: 0 fasteners, 1 bearings, 2 electrical, 3 tools, 4 hydraulics, 5 packaging, 6 safety,
    // 7 lubricants, 8 cables, 9 office.
    public static IReadOnlyList<DemoCustomerSpec> All { get; } =
    [
        new("C1001", "上海华联贸易有限公司", "East", "上海市浦东新区张江路1288号3号楼", "hualian-trade.cn", "+86 21 5080 1288", CustomerTier.Strategic, 3_000_000m, 60, [0, 3, 6, 9, 5], 1),
        new("C1002", "苏州工业园区精工机械有限公司", "East", "江苏省苏州市工业园区星湖街328号", "jinggong-sz.com", "+86 512 6283 5501", CustomerTier.Gold, 1_500_000m, 45, [1, 0, 3, 7], 1),
        new("C1003", "杭州恒信自动化设备有限公司", "East", "浙江省杭州市滨江区江南大道3850号", "hengxin-auto.com.cn", "+86 571 8663 2210", CustomerTier.Silver, 800_000m, 30, [2, 8, 3], 1),
        new("C1004", "宁波港城五金机电有限公司", "East", "浙江省宁波市北仑区新碶明州路66号", "gangcheng-hw.cn", "+86 574 8688 7120", CustomerTier.Gold, 1_200_000m, 45, [0, 3, 2, 6], 1),
        new("C1005", "无锡新锐包装材料有限公司", "East", "江苏省无锡市新吴区长江路21号", "xinrui-pack.cn", "+86 510 8522 6633", CustomerTier.Standard, 300_000m, 30, [5, 9], 1),
        new("C1006", "南京金陵液压设备有限公司", "East", "江苏省南京市江宁区秣陵街道胜利路89号", "jinling-hyd.com", "+86 25 5210 9987", CustomerTier.Silver, 900_000m, 45, [4, 7, 0], 1),
        new("C1007", "Pacific Rim Industrial Supply Ltd.", "East", "Room 1801, 88 Century Avenue, Pudong, Shanghai 200120", "pacrim-supply.com", "+86 21 6886 2300", CustomerTier.Strategic, 2_500_000m, 60, [0, 1, 2, 3, 4, 6, 7, 8], 1, English: true),
        new("C1008", "Eastbridge Automation (Kunshan) Co., Ltd.", "East", "No. 255 Qianjin East Road, Kunshan, Jiangsu 215300", "eastbridge-auto.com", "+86 512 5763 1180", CustomerTier.Gold, 1_000_000m, 45, [2, 8, 1, 3], 1, English: true, ReservationPolicy: ReservationPolicy.ShipComplete),
        new("C1009", "上海申达物流设备有限公司", "East", "上海市嘉定区曹安公路4811号", "shenda-logistics.cn", "+86 21 6958 3320", CustomerTier.Standard, 200_000m, 30, [5, 6, 0], 1, IsBlocked: true, UntilDays: 75),
        new("C1010", "常州天宁电气成套有限公司", "East", "江苏省常州市天宁区青洋北路47号", "tianning-elec.com", "+86 519 8988 0415", CustomerTier.Silver, 600_000m, 30, [2, 8], 1),
        new("C1011", "Harbourfront Office Solutions (Shanghai) Co., Ltd.", "East", "Unit 506, 1000 Zhongshan South Road, Huangpu, Shanghai 200011", "harbourfront-office.com", "+86 21 6330 7788", CustomerTier.Standard, 150_000m, 30, [9, 5], 1, English: true),

        new("C2001", "广州恒通机电设备有限公司", "South", "广东省广州市白云区太和镇广从五路368号", "hengtong-me.com", "+86 20 3722 8866", CustomerTier.Strategic, 2_800_000m, 60, [2, 1, 0, 4, 3, 8], 2),
        new("C2002", "深圳市鹏程电子科技有限公司", "South", "广东省深圳市南山区科技园高新南七道18号", "pengcheng-tech.cn", "+86 755 2671 4490", CustomerTier.Gold, 1_500_000m, 45, [2, 8, 5, 9], 2),
        new("C2003", "东莞市长安五金制品有限公司", "South", "广东省东莞市长安镇振安中路203号", "changan-hardware.cn", "+86 769 8553 2217", CustomerTier.Silver, 700_000m, 30, [0, 3, 7], 2),
        new("C2004", "佛山市顺德家电配件有限公司", "South", "广东省佛山市顺德区北滘镇工业大道32号", "shunde-parts.com", "+86 757 2663 9058", CustomerTier.Gold, 1_200_000m, 45, [0, 2, 5, 1], 2),
        new("C2005", "厦门海沧工业服务有限公司", "South", "福建省厦门市海沧区角嵩路1699号", "haicang-is.cn", "+86 592 6518 3300", CustomerTier.Standard, 300_000m, 30, [6, 3, 7], 2),
        new("C2006", "Pearl River Engineering Supplies Co., Ltd.", "South", "Suite 2203, 10 Zhujiang West Road, Tianhe, Guangzhou 510623", "pearlriver-eng.com", "+86 20 3868 1200", CustomerTier.Gold, 1_000_000m, 45, [4, 1, 0, 7, 6], 2, English: true),
        new("C2007", "Shenzhen Brightway Packaging Ltd.", "South", "Block B, 12 Bantian Industrial Park, Longgang, Shenzhen 518129", "brightway-pack.com", "+86 755 8976 3412", CustomerTier.Standard, 250_000m, 30, [5, 9, 6], 2, English: true, SinceDays: 150),
        new("C2008", "珠海格致精密模具有限公司", "South", "广东省珠海市香洲区南屏科技工业园屏北一路9号", "gezhi-mould.cn", "+86 756 8682 1175", CustomerTier.Silver, 500_000m, 30, [0, 1, 3, 7], 2, ReservationPolicy: ReservationPolicy.ShipComplete),
        new("C2009", "福州闽江机电贸易有限公司", "South", "福建省福州市仓山区金山大道618号", "minjiang-me.cn", "+86 591 8786 2040", CustomerTier.Standard, 200_000m, 30, [2, 0, 3], 2, IsActive: false, UntilDays: 220),
        new("C2010", "Golden Bay Safety Products Trading Ltd.", "South", "Room 908, 3 Jintang Road, Xiangzhou, Zhuhai 519000", "goldenbay-safety.com", "+86 756 3362 5090", CustomerTier.Silver, 400_000m, 30, [6, 9], 2, English: true),

        new("C3001", "北京京城重工机械有限公司", "North", "北京市大兴区经济技术开发区科创十三街15号", "jingcheng-heavy.com", "+86 10 6788 3500", CustomerTier.Strategic, 3_000_000m, 60, [4, 1, 0, 7, 2, 6], 3),
        new("C3002", "天津滨海新区港机配件有限公司", "North", "天津市滨海新区塘沽新港二号路56号", "binhai-portparts.cn", "+86 22 2570 6618", CustomerTier.Gold, 1_200_000m, 45, [1, 4, 7, 0], 3),
        new("C3003", "青岛海湾化工设备有限公司", "North", "山东省青岛市黄岛区江山中路498号", "haiwan-chem.com", "+86 532 8698 2231", CustomerTier.Silver, 800_000m, 45, [4, 6, 8, 0], 3),
        new("C3004", "沈阳北方液压件有限公司", "North", "辽宁省沈阳市铁西区北二西路33号", "beifang-hyd.cn", "+86 24 2581 0937", CustomerTier.Silver, 600_000m, 30, [4, 7], 3),
        new("C3005", "石家庄冀中建材机械有限公司", "North", "河北省石家庄市长安区胜利北街188号", "jizhong-bm.cn", "+86 311 8603 7752", CustomerTier.Standard, 300_000m, 30, [0, 3, 6], 3),
        new("C3006", "Northern Star Mining Equipment Co., Ltd.", "North", "18F, Tower A, 1 Jianguomenwai Avenue, Chaoyang, Beijing 100004", "northernstar-mining.com", "+86 10 8535 6600", CustomerTier.Gold, 1_500_000m, 45, [4, 1, 6, 7, 8], 3, English: true),
        new("C3007", "济南泉城工控设备有限公司", "North", "山东省济南市历下区经十路13777号", "quancheng-ic.cn", "+86 531 8865 4029", CustomerTier.Standard, 250_000m, 30, [2, 8], 3, SinceDays: 120),
        new("C3008", "大连船舶配套工业有限公司", "North", "辽宁省大连市甘井子区红旗西路97号", "dalian-marine.com.cn", "+86 411 8677 5310", CustomerTier.Gold, 1_800_000m, 60, [4, 0, 8, 7, 1], 3),
        new("C3009", "Bohai Offshore Services Ltd.", "North", "No. 8 Yingbin Road, Binhai New Area, Tianjin 300450", "bohai-offshore.com", "+86 22 6630 4700", CustomerTier.Gold, 1_200_000m, 60, [6, 4, 7, 8], 3, English: true),

        new("C4001", "成都蜀能电力设备有限公司", "West", "四川省成都市高新区天府大道北段1700号", "shuneng-power.cn", "+86 28 8517 6620", CustomerTier.Gold, 1_000_000m, 45, [2, 8, 6], 2),
        new("C4002", "重庆长江汽车零部件有限公司", "West", "重庆市渝北区两港大道188号", "cj-autoparts.com", "+86 23 6707 2288", CustomerTier.Strategic, 2_000_000m, 60, [0, 1, 7, 3, 5], 2),
        new("C4003", "西安秦川机床附件有限公司", "West", "陕西省西安市高新区锦业路69号", "qinchuan-mt.cn", "+86 29 8831 9045", CustomerTier.Silver, 600_000m, 30, [1, 0, 7, 3], 2),
        new("C4004", "昆明滇池农机服务有限公司", "West", "云南省昆明市官渡区春城路219号", "dianchi-agri.cn", "+86 871 6357 1180", CustomerTier.Standard, 200_000m, 30, [1, 0, 7], 2),
        new("C4005", "Silk Road Trading & Logistics Co., Ltd.", "West", "No. 66 Fengcheng 2nd Road, Xi'an, Shaanxi 710016", "silkroad-tl.com", "+86 29 8652 3370", CustomerTier.Standard, 30_000m, 30, [5, 6, 9, 0], 2, English: true),
        new("C4006", "贵阳黔通矿山设备有限公司", "West", "贵州省贵阳市白云区白金大道29号", "qiantong-mining.cn", "+86 851 8461 0932", CustomerTier.Standard, 20_000m, 30, [4, 6, 1], 2),

        new("C5001", "武汉江城重型机械有限公司", "Central", "湖北省武汉市东西湖区金银湖路18号", "jiangcheng-hm.com", "+86 27 8390 5566", CustomerTier.Gold, 1_500_000m, 45, [4, 1, 0, 7, 2], 3),
        new("C5002", "长沙湘江工程机械配件有限公司", "Central", "湖南省长沙市雨花区万家丽南路二段36号", "xiangjiang-cm.cn", "+86 731 8596 1203", CustomerTier.Silver, 800_000m, 45, [4, 0, 1, 7], 3),
        new("C5003", "郑州中原物流装备有限公司", "Central", "河南省郑州市经开区第八大街120号", "zhongyuan-le.cn", "+86 371 6655 8720", CustomerTier.Silver, 600_000m, 30, [5, 0, 6, 2], 3),
        new("C5004", "合肥科创智能装备有限公司", "Central", "安徽省合肥市高新区望江西路800号", "kechuang-ie.com", "+86 551 6531 4408", CustomerTier.Standard, 400_000m, 30, [2, 8, 1], 3, SinceDays: 200),
        new("C5005", "南昌赣江电气有限公司", "Central", "江西省南昌市青山湖区京东大道1099号", "ganjiang-elec.cn", "+86 791 8815 6237", CustomerTier.Standard, 250_000m, 30, [2, 8], 3),
        new("C5006", "Yangtze Valley Machinery Parts Ltd.", "Central", "Building 5, 77 Guanshan Avenue, Wuhan, Hubei 430074", "yangtzevalley-mp.com", "+86 27 8752 0190", CustomerTier.Gold, 900_000m, 45, [1, 0, 4, 3], 3, English: true),
        new("C5007", "洛阳河洛轴承销售有限公司", "Central", "河南省洛阳市涧西区建设路156号", "heluo-bearing.cn", "+86 379 6422 8813", CustomerTier.Silver, 700_000m, 30, [1, 7], 3),
    ];

    /// <summary>Chinese contact names with the romanisation used in their e-mail addresses.</summary>
    public static readonly (string Name, string Email)[] ChinesePeople =
    [
        ("王海涛", "wang.haitao"), ("李娜", "li.na"), ("陈晓东", "chen.xiaodong"), ("刘洋", "liu.yang"), ("张丽华", "zhang.lihua"),
        ("杨帆", "yang.fan"), ("赵敏", "zhao.min"), ("黄志强", "huang.zhiqiang"), ("周婷", "zhou.ting"), ("吴建平", "wu.jianping"),
        ("徐静", "xu.jing"), ("孙浩", "sun.hao"), ("胡佳", "hu.jia"), ("朱明", "zhu.ming"), ("高峰", "gao.feng"),
        ("林小燕", "lin.xiaoyan"), ("何俊", "he.jun"), ("郭晓明", "guo.xiaoming"), ("马骏", "ma.jun"), ("罗雪", "luo.xue"),
        ("梁志伟", "liang.zhiwei"), ("宋雅琴", "song.yaqin"), ("郑凯", "zheng.kai"), ("谢芳", "xie.fang"), ("韩磊", "han.lei"),
        ("唐慧", "tang.hui"), ("冯刚", "feng.gang"), ("邓丽", "deng.li"), ("曹阳", "cao.yang"), ("彭晓峰", "peng.xiaofeng"),
    ];

    public static readonly (string Name, string Email)[] EnglishPeople =
    [
        ("David Chen", "david.chen"), ("Sarah Wong", "sarah.wong"), ("Michael Tan", "michael.tan"), ("Emily Zhang", "emily.zhang"),
        ("James Liu", "james.liu"), ("Grace Lin", "grace.lin"), ("Kevin Ho", "kevin.ho"), ("Anna Schmidt", "anna.schmidt"),
        ("Robert Miller", "robert.miller"), ("Jessica Lee", "jessica.lee"), ("Thomas Müller", "thomas.mueller"), ("Olivia Brown", "olivia.brown"),
    ];

    public static readonly string[] Titles =
    [
        "采购经理 / Purchasing Manager", "采购专员 / Buyer", "总经理 / General Manager", "仓库主管 / Warehouse Supervisor",
        "财务经理 / Finance Manager", "设备部经理 / Maintenance Manager", "生产主管 / Production Supervisor",
    ];
}
