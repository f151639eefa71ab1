namespace ClusterLb.Persistence.Tests;
