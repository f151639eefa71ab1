namespace ClusterLb.Actors.Tests;
