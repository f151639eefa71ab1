namespace ClusterLb.Balancing.Tests;
