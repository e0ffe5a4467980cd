using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orderly.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BillingDownPayments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "is_down_payment",
                table: "invoices",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "down_payment_invoice_id",
                table: "invoice_lines",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoice_lines_down_payment_invoice_id",
                table: "invoice_lines",
                column: "down_payment_invoice_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_invoice_lines_down_payment_invoice_id",
                table: "invoice_lines");

            migrationBuilder.DropColumn(
                name: "is_down_payment",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "down_payment_invoice_id",
                table: "invoice_lines");
        }
    }
}
