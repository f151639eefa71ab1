namespace ClusterLb.IntegrationTests;
