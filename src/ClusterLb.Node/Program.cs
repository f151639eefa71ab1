using System.CommandLine;
using ClusterLb.Node.Commands;

var root = new RootCommand("ClusterLb: a clustered HTTP and TCP load balancer built on actors.");
CommandCatalog.AddTo(root);
// Signals belong to CoordinatedShutdown (drain, then stop); System.CommandLine's own handler would end the
// process after 2 s, in the middle of a drain.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
