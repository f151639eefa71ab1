using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Crdt.Serialization;
using ClusterLb.DistributedData.Tests.Properties;
using Google.Protobuf;
using static ClusterLb.DistributedData.Tests.Crdt.Nodes;
using P = ClusterLb.DistributedData.Crdt.Serialization.Proto;

namespace ClusterLb.DistributedData.Tests.Serialization;

public class SerializerTests
{
    [Fact]
    public void Registers_round_trip_string_bytes_long_and_nested_data()
    {
        SerializationProperties.RoundTrip(new LWWRegister<string>(A, "héllo", 42));
        SerializationProperties.RoundTrip(new LWWRegister<ByteString>(A, ByteString.CopyFrom(0, 255, 7), -3));
        SerializationProperties.RoundTrip(new LWWRegister<long>(B, long.MinValue, long.MaxValue));
        SerializationProperties.RoundTrip(new LWWRegister<GSet<string>>(C, GSet<string>.Empty.Add("x").Add("y"), 7));
        SerializationProperties.RoundTrip(new LWWRegister<ORSet<long>>(C, ORSet<long>.Empty.Add(A, 5).Add(B, 6), 7));
    }

    [Fact]
    public void Maps_round_trip_with_tombstones_and_nested_values()
    {
        var map = ORMap<string, ORMap<ByteString, PNCounter>>.Empty
            .AddOrUpdate(A, "outer", ORMap<ByteString, PNCounter>.Empty, m => m.AddOrUpdate(A, ByteString.CopyFromUtf8("k"), PNCounter.Empty, c => c.Decrement(A, 3)))
            .AddOrUpdate(B, "gone", ORMap<ByteString, PNCounter>.Empty, m => m)
            .Remove(B, "gone");
        SerializationProperties.RoundTrip(map);
        SerializationProperties.RoundTrip(map.Delta!);

        var lww = LWWMap<string, ByteString>.Empty.SetItem(A, "h", ByteString.CopyFromUtf8("spec")).Remove(A, "h").SetItem(B, "i", ByteString.Empty);
        SerializationProperties.RoundTrip(lww);
        SerializationProperties.RoundTrip(lww.Delta!);
        SerializationProperties.RoundTrip(PNCounterMap<string>.Empty.Increment(C, "x", 9).Delta!);
    }

    [Fact]
    public void The_type_descriptor_names_the_closed_type()
    {
        Assert.Equal("ORMap<string,LWWRegister<bytes>>", TypeDescriptor.Format(typeof(ORMap<string, LWWRegister<ByteString>>)));
        Assert.Equal("LWWMapDelta<string,long>", TypeDescriptor.Format(typeof(LWWMapDelta<string, long>)));
        Assert.Equal(typeof(PNCounterMap<ByteString>), TypeDescriptor.Parse("PNCounterMap<bytes>"));
    }

    [Fact]
    public void Replica_ids_are_written_once_per_message()
    {
        var map = LWWMap<string, string>.Empty;
        for (var i = 0; i < 100; i++)
        {
            map = map.SetItem(A, $"host-{i}", "x", LwwClocks.Fixed<string>(1_700_000_000_000 + i));
        }

        var message = P.SerializedData.Parser.ParseFrom(ReplicatedDataSerializer.Serialize(map));
        Assert.Single(message.Replicas);
        Assert.Equal(A.Address, message.Replicas[0].Address);
    }

    [Fact]
    public void Serialized_size_matches_the_bytes_for_a_large_map()
    {
        var map = LWWMap<string, ByteString>.Empty;
        for (var i = 0; i < 2000; i++)
        {
            map = map.SetItem(i % 2 == 0 ? A : B, $"host-{i}", ByteString.CopyFromUtf8($"10.1.{i / 256}.{i % 256}:8080"));
        }

        Assert.Equal(ReplicatedDataSerializer.Serialize(map).Length, ReplicatedDataSerializer.SerializedSize(map));
    }

    [Fact]
    public void Unsupported_value_types_are_refused_with_the_type_named()
    {
        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Serialize(new LWWRegister<int>(A, 1, 1)));
        Assert.Contains("Int32", error.Message);
    }

    [Fact]
    public void Garbage_bytes_are_a_clear_error()
    {
        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize([0xFF, 0xFF, 0xFF]));
        Assert.Contains("Not a serialized replicated value", error.Message);
    }

    [Theory]
    [InlineData("", "no type descriptor")]
    [InlineData("Nope", "unknown type 'Nope'")]
    [InlineData("ORSet", "needs type arguments")]
    [InlineData("ORSet<string", "expected '>'")]
    [InlineData("GCounter>", "trailing")]
    [InlineData("ORMap<string,string>", "invalid type arguments")]
    public void Bad_type_descriptors_are_named(string descriptor, string expected)
    {
        var bytes = new P.SerializedData { Type = descriptor, Body = new P.DataBody { Flag = new P.Flag() } }.ToByteArray();
        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(bytes));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_body_of_the_wrong_kind_is_named()
    {
        var bytes = new P.SerializedData { Type = "GCounter", Body = new P.DataBody { Flag = new P.Flag() } }.ToByteArray();
        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(bytes));
        Assert.Contains("found Flag", error.Message);
    }

    [Fact]
    public void A_missing_body_is_named()
    {
        var bytes = new P.SerializedData { Type = "GCounter" }.ToByteArray();
        Assert.Contains("no body", Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(bytes)).Message);
    }

    [Fact]
    public void A_replica_index_outside_the_table_is_named()
    {
        var counter = new P.GCounter();
        counter.Nodes.Add(3);
        counter.Values.Add(1);
        var bytes = new P.SerializedData { Type = "GCounter", Body = new P.DataBody { GCounter = counter } }.ToByteArray();
        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(bytes));
        Assert.Contains("Replica index 3", error.Message);
    }

    [Fact]
    public void An_ORSet_with_an_unseen_dot_is_refused()
    {
        var vv = new P.VersionVector();
        vv.Nodes.Add(0);
        vv.Versions.Add(1);
        var dots = new P.VersionVector();
        dots.Nodes.Add(0);
        dots.Versions.Add(2);
        var set = new P.ORSet { VersionVector = vv };
        set.Entries.Add(new P.ORSetEntry { Element = new P.Value { Text = "x" }, Dots = dots });
        var message = new P.SerializedData { Type = "ORSet<string>", Body = new P.DataBody { OrSet = set } };
        message.Replicas.Add(new P.Replica { Address = A.Address, Uid = A.Uid });

        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(message.ToByteArray()));
        Assert.Contains("has not seen", error.Message);
    }

    [Fact]
    public void Mismatched_version_vector_arrays_and_zero_versions_are_refused()
    {
        var vv = new P.VersionVector();
        vv.Nodes.Add(0);
        var message = new P.SerializedData { Type = "VersionVector", Body = new P.DataBody { VersionVector = vv } };
        message.Replicas.Add(new P.Replica { Address = A.Address, Uid = A.Uid });
        Assert.Contains("1 nodes but 0 versions", Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(message.ToByteArray())).Message);

        vv.Versions.Add(0);
        Assert.Contains("invalid version 0", Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(message.ToByteArray())).Message);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_is_named()
    {
        var register = new P.LWWRegister { Node = 0, Timestamp = 1, Value = new P.Value { Int64 = 5 } };
        var message = new P.SerializedData { Type = "LWWRegister<string>", Body = new P.DataBody { LwwRegister = register } };
        message.Replicas.Add(new P.Replica { Address = A.Address, Uid = A.Uid });

        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(message.ToByteArray()));
        Assert.Contains("Expected a value of kind Text, found Int64", error.Message);
    }

    [Fact]
    public void A_replica_without_an_address_is_refused()
    {
        var message = new P.SerializedData { Type = "Flag", Body = new P.DataBody { Flag = new P.Flag() } };
        message.Replicas.Add(new P.Replica { Address = "", Uid = 1 });
        Assert.Contains("no address", Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(message.ToByteArray())).Message);
    }

    [Fact]
    public void An_ORMap_key_listed_twice_is_refused()
    {
        var map = ORMap<string, Flag>.Empty.SetItem(A, "k", Flag.Enabled);
        var message = P.SerializedData.Parser.ParseFrom(ReplicatedDataSerializer.Serialize(map));
        message.Body.OrMap.Removed.Add(new P.ORMapValue { Key = new P.Value { Text = "k" }, Value = new P.DataBody { Flag = new P.Flag() } });

        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize(message.ToByteArray()));
        Assert.Contains("'k' twice", error.Message);
    }

    [Fact]
    public void Deserializing_as_the_wrong_type_names_both_types()
    {
        var bytes = ReplicatedDataSerializer.Serialize(GCounter.Empty.Increment(A));
        var error = Assert.Throws<ReplicatedDataSerializationException>(() => ReplicatedDataSerializer.Deserialize<PNCounter>(bytes));
        Assert.Contains("Expected PNCounter, found GCounter", error.Message);
        Assert.Equal(1UL, ReplicatedDataSerializer.Deserialize<GCounter>(bytes).Value);
    }
}
