namespace ClusterLb.Hocon.Tests;
