using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>Decides per concrete test class whether a <see cref="StoreFactAttribute"/> test is skipped.</summary>
public sealed class StoreFactDiscoverer : IXunitTestCaseDiscoverer
{
    private readonly IMessageSink _diagnostics;

    public StoreFactDiscoverer(IMessageSink diagnosticMessageSink)
    {
        _diagnostics = diagnosticMessageSink;
    }

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var type = (testMethod.TestClass.Class as IReflectionTypeInfo)?.Type;
        var skip = type?.GetCustomAttribute<RequiresPostgresAttribute>(inherit: true) is not null
            ? Prerequisites.PostgresSkipReason
            : null;
        if (skip is null)
        {
            yield return new XunitTestCase(_diagnostics, display, displayOptions, testMethod);
        }
        else
        {
            yield return new XunitSkippedDataRowTestCase(_diagnostics, display, displayOptions, testMethod, skip);
        }
    }
}
