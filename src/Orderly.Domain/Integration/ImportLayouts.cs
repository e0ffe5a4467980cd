namespace Orderly.Domain.Integration;

/// <summary>The kinds of import and their columns (header in English / 中文).</summary>
public static class ImportLayouts
{
    public const string Products = "products";
    public const string Customers = "customers";
    public const string Stock = "stock";
    public const string Prices = "prices";
    public const string Suppliers = "suppliers";
    public const string Orders = "orders";

    public static readonly ImportLayout ProductLayout = new(Products,
    [
        new("sku", "SKU", "物料编码", ImportCellType.Code, Required: true, MaxLength: 64),
        new("name", "Name", "名称", ImportCellType.Text, Required: true, MaxLength: 200),
        new("unit", "Unit", "单位", ImportCellType.Text, Required: true, MaxLength: 16),
        new("listPrice", "List price", "标准价", ImportCellType.Number, Required: true),
        new("currency", "Currency", "币种", ImportCellType.Code, MaxLength: 3),
        new("category", "Category", "类别", ImportCellType.Text, MaxLength: 100),
        new("minPrice", "Minimum price", "最低价", ImportCellType.Number),
        new("cost", "Cost", "成本", ImportCellType.Number),
        new("wholeUnit", "Whole units", "整数计量", ImportCellType.Boolean),
        new("active", "Active", "启用", ImportCellType.Boolean),
    ]);

    public static readonly ImportLayout PriceLayout = new(Prices,
    [
        new("sku", "SKU", "物料编码", ImportCellType.Code, Required: true, MaxLength: 64),
        new("listPrice", "List price", "标准价", ImportCellType.Number, Required: true),
        new("minPrice", "Minimum price", "最低价", ImportCellType.Number),
        new("cost", "Cost", "成本", ImportCellType.Number),
    ]);

    public static readonly ImportLayout CustomerLayout = new(Customers,
    [
        new("code", "Customer code", "客户编码", ImportCellType.Code, Required: true, MaxLength: 32),
        new("name", "Name", "名称", ImportCellType.Text, Required: true, MaxLength: 200),
        new("region", "Region", "地区", ImportCellType.Text, MaxLength: 64),
        new("address", "Address", "地址", ImportCellType.Text, MaxLength: 500, MultiLine: true),
        new("email", "E-mail", "邮箱", ImportCellType.Code, MaxLength: 254),
        new("phone", "Phone", "电话", ImportCellType.Code, MaxLength: 40),
        new("currency", "Currency", "币种", ImportCellType.Code, MaxLength: 3),
        new("creditLimit", "Credit limit", "信用额度", ImportCellType.Number),
        new("paymentTermsDays", "Payment terms (days)", "账期天数", ImportCellType.WholeNumber),
        new("contactName", "Contact", "联系人", ImportCellType.Text, MaxLength: 100),
        new("contactPhone", "Contact phone", "联系人电话", ImportCellType.Code, MaxLength: 40),
        new("contactEmail", "Contact e-mail", "联系人邮箱", ImportCellType.Code, MaxLength: 254),
    ]);

    public static readonly ImportLayout StockLayout = new(Stock,
    [
        new("warehouse", "Warehouse code", "仓库编码", ImportCellType.Code, Required: true, MaxLength: 32),
        new("sku", "SKU", "物料编码", ImportCellType.Code, Required: true, MaxLength: 64),
        new("quantity", "On hand", "现有库存", ImportCellType.Number, Required: true),
    ]);

    public static readonly ImportLayout SupplierLayout = new(Suppliers,
    [
        new("code", "Supplier code", "供应商编码", ImportCellType.Code, Required: true, MaxLength: 32),
        new("name", "Name", "名称", ImportCellType.Text, Required: true, MaxLength: 200),
        new("leadTimeDays", "Lead time (days)", "交货周期天数", ImportCellType.WholeNumber),
        new("active", "Active", "启用", ImportCellType.Boolean),
    ]);

    /// <summary>Open orders: one row per line, the lines of one order together under its reference.</summary>
    public static readonly ImportLayout OrderLayout = new(Orders,
    [
        new("reference", "Order reference", "订单参考号", ImportCellType.Code, Required: true, MaxLength: 64),
        new("customer", "Customer code", "客户编码", ImportCellType.Code, Required: true, MaxLength: 32),
        new("sku", "SKU", "物料编码", ImportCellType.Code, Required: true, MaxLength: 64),
        new("quantity", "Quantity", "数量", ImportCellType.Number, Required: true),
        new("unitPrice", "Unit price", "单价", ImportCellType.Number),
        new("requestedDate", "Requested date", "要求交货日期", ImportCellType.Code, MaxLength: 10),
        new("customerPo", "Customer PO", "客户订单号", ImportCellType.Text, MaxLength: 64),
    ]);

    public static readonly IReadOnlyDictionary<string, ImportLayout> All = new Dictionary<string, ImportLayout>(StringComparer.Ordinal)
    {
        [Products] = ProductLayout,
        [Prices] = PriceLayout,
        [Customers] = CustomerLayout,
        [Stock] = StockLayout,
        [Suppliers] = SupplierLayout,
        [Orders] = OrderLayout,
    };
}
