using System.Net;
using System.Threading.RateLimiting;
using ClusterLb.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace ClusterLb.Proxy.Hosting;

/// <summary>
/// Sets up ASP.NET Core's rate limiter as one token bucket per real client IP address (behind trusted proxies, the
/// client they name), answering 429 without a token.
/// </summary>
internal static class ClientRateLimiter
{
    public static void Configure(RateLimiterOptions options, ClientRateLimit limit, ClientAddressResolver clients)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
            RateLimitPartition.GetTokenBucketLimiter(clients.Resolve(context) ?? IPAddress.None, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = limit.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }
}
