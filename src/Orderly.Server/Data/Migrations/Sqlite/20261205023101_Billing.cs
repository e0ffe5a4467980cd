using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Billing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "credit_holds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    held_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    released_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    released_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    release_note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credit_holds", x => x.id);
                    table.ForeignKey(
                        name: "fk_credit_holds_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "customer_billing_profiles",
                columns: table => new
                {
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    policy = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    tax_inclusive = table.Column<bool>(type: "INTEGER", nullable: false),
                    fapiao_type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    tax_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    invoice_address = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    invoice_phone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    bank = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    bank_account = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_billing_profiles", x => x.customer_id);
                    table.ForeignKey(
                        name: "fk_customer_billing_profiles_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    credited_invoice_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    tax_inclusive = table.Column<bool>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    issue_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    due_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    net_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    tax_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    total_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    paid_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    credited_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    credit_notes_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    written_off_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    buyer_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    buyer_tax_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    buyer_address = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    buyer_phone = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    buyer_bank = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    buyer_account = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    fapiao_type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    fapiao_number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    reminded_at_step = table.Column<int>(type: "INTEGER", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    issued_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    issued_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoices", x => x.id);
                    table.ForeignKey(
                        name: "fk_invoices_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_billing_states",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    invoices = table.Column<int>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_billing_states", x => x.order_id);
                });

            migrationBuilder.CreateTable(
                name: "payments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    method = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    allocated_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    refunded_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    received_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    refunded_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    bill_maturity = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    recorded_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    recorded_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payments", x => x.id);
                    table.ForeignKey(
                        name: "fk_payments_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "product_tax_rates",
                columns: table => new
                {
                    product_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    vat_percent = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    vat_exempt = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_tax_rates", x => x.product_id);
                    table.ForeignKey(
                        name: "fk_product_tax_rates_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "quotations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    number = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    valid_until = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    total_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    decline_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    expiry_announced = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quotations", x => x.id);
                    table.ForeignKey(
                        name: "fk_quotations_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "invoice_lines",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    invoice_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line_number = table.Column<int>(type: "INTEGER", nullable: false),
                    order_line_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    product_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    unit = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    quantity = table.Column<long>(type: "bigint", precision: 18, scale: 4, nullable: false),
                    vat_percent = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    vat_exempt = table.Column<bool>(type: "INTEGER", nullable: false),
                    net_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    tax_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    gross_minor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoice_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_invoice_lines_invoices_invoice_id",
                        column: x => x.invoice_id,
                        principalTable: "invoices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payment_allocations",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    payment_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    invoice_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    amount_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    by = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_allocations", x => x.id);
                    table.ForeignKey(
                        name: "fk_payment_allocations_invoices_invoice_id",
                        column: x => x.invoice_id,
                        principalTable: "invoices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_payment_allocations_payment_payment_id",
                        column: x => x.payment_id,
                        principalTable: "payments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "quotation_lines",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    quotation_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    line_number = table.Column<int>(type: "INTEGER", nullable: false),
                    product_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    product_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    unit = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    quantity = table.Column<long>(type: "bigint", precision: 18, scale: 4, nullable: false),
                    unit_price_minor = table.Column<long>(type: "INTEGER", nullable: false),
                    discount_percent = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    line_total_minor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quotation_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_quotation_lines_quotations_quotation_id",
                        column: x => x.quotation_id,
                        principalTable: "quotations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_credit_holds_customer_id",
                table: "credit_holds",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_invoice_id",
                table: "invoice_lines",
                column: "invoice_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_order_line_id",
                table: "invoice_lines",
                column: "order_line_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_customer_id_status",
                table: "invoices",
                columns: new[] { "customer_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_invoices_number",
                table: "invoices",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_order_id",
                table: "invoices",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_allocations_invoice_id",
                table: "payment_allocations",
                column: "invoice_id");

            migrationBuilder.CreateIndex(
                name: "ix_payment_allocations_payment_id",
                table: "payment_allocations",
                column: "payment_id");

            migrationBuilder.CreateIndex(
                name: "ix_payments_customer_id_received_on",
                table: "payments",
                columns: new[] { "customer_id", "received_on" });

            migrationBuilder.CreateIndex(
                name: "ix_quotation_lines_quotation_id",
                table: "quotation_lines",
                column: "quotation_id");

            migrationBuilder.CreateIndex(
                name: "ix_quotations_customer_id",
                table: "quotations",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_quotations_number",
                table: "quotations",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_quotations_status_valid_until",
                table: "quotations",
                columns: new[] { "status", "valid_until" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "credit_holds");

            migrationBuilder.DropTable(
                name: "customer_billing_profiles");

            migrationBuilder.DropTable(
                name: "invoice_lines");

            migrationBuilder.DropTable(
                name: "order_billing_states");

            migrationBuilder.DropTable(
                name: "payment_allocations");

            migrationBuilder.DropTable(
                name: "product_tax_rates");

            migrationBuilder.DropTable(
                name: "quotation_lines");

            migrationBuilder.DropTable(
                name: "invoices");

            migrationBuilder.DropTable(
                name: "payments");

            migrationBuilder.DropTable(
                name: "quotations");
        }
    }
}
