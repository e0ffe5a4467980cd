using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orderly.Server.Documents;

namespace Orderly.Server.Tests.Billing;

/// <summary>
/// A machine without a CJK font (a fresh one before <c>apt-get install fonts-wqy-microhei</c>): the server runs and
/// takes orders, a PDF is refused with a 503 that says what to install, and /health says Degraded with the reason.
/// Before, every PDF answered a bare 500 (the bench's first run on a fresh machine found it).
/// </summary>
public sealed class DocumentFontTests(DocumentFontTests.NoFontApp app) : IClassFixture<DocumentFontTests.NoFontApp>
{
    [Fact]
    public async Task WithoutAFont_APdfIsRefusedWith503SayingWhatToInstall_AndHealthIsDegraded()
    {
        using var admin = await app.AdminAsync();
        var road = new BillingRoad(admin);
        var product = await road.Data.ProductAsync(listPrice: 10m, minPrice: 5m);
        var customer = await road.Data.CustomerAsync();
        var (orderId, _) = await road.ConfirmedOrderAsync(customer, (product, 1));

        var refused = (await admin.GetJsonAsync($"/api/orders/{orderId}/documents/confirmation.pdf"))
            .Expect(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("DocumentFontMissing", refused["code"].Str());
        Assert.Contains("fonts-wqy-microhei", refused["detail"].Str(), StringComparison.Ordinal);
        Assert.Contains("Orderly:Company:FontPaths", refused["detail"].Str(), StringComparison.Ordinal);
        Assert.Contains(NoFontApp.MissingFont, refused["detail"].Str(), StringComparison.Ordinal);

        using var anonymous = app.CreateClient();
        var health = await anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
    }

    public sealed class NoFontApp() : OrderlyApp(TestDatabase.For("sqlite"))
    {
        public const string MissingFont = "/nonexistent/orderly-test-font.ttc";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.PostConfigure<CompanyOptions>(o => o.FontPaths = [MissingFont]));
        }
    }
}
