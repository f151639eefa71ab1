using System.CommandLine;
using ClusterLb.Node.Commands;

var root = new RootCommand("ClusterLb: a clustered HTTP and TCP load balancer built on actors.");
CommandCatalog.AddTo(root);
return await root.Parse(args).InvokeAsync();
