
namespace Dialer.Campaigns.Tests.Slots;

public sealed class SlotScopeTests
{
    [Fact]
    public void Id_EachKind_IsStableAndStoreFriendly()
    {
        Assert.Equal("global", SlotScope.Global.Id);
        Assert.Equal("client:acme", SlotScope.Client("acme").Id);
        Assert.Equal("campaign:acme/spring", SlotScope.Campaign("acme", "spring").Id);
        Assert.Equal("key:trunk-a", SlotScope.ForKey("trunk-a").Id);
        Assert.Equal(SlotScopeKind.Campaign, SlotScope.Campaign("acme", "spring").Kind);
        Assert.Equal("acme/spring", SlotScope.Campaign("acme", "spring").Key);
    }

    [Fact]
    public void Campaign_SameIdUnderTwoClients_AreDifferentScopes()
    {
        Assert.NotEqual(SlotScope.Campaign("acme", "default"), SlotScope.Campaign("globex", "default"));
        Assert.Equal(SlotScope.Campaign("acme", "default"), SlotScope.Campaign("acme", "default"));
        Assert.True(SlotScope.Client("acme") == SlotScope.Client("acme"));
        Assert.True(SlotScope.Client("acme") != SlotScope.ForKey("acme"));
    }

    [Theory]
    [InlineData("global")]
    [InlineData("client:acme")]
    [InlineData("campaign:acme/spring")]
    [InlineData("key:trunk-a")]
    public void TryParseId_WhatIdWrote_RoundTrips(string id)
    {
        Assert.True(SlotScope.TryParseId(id, out var scope));
        Assert.Equal(id, scope.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("client:")]
    [InlineData("campaign:acme")]
    [InlineData("campaign:/x")]
    [InlineData("region:fl")]
    [InlineData("global:x")]
    public void TryParseId_Malformed_ReturnsFalse(string? id) => Assert.False(SlotScope.TryParseId(id, out _));

    [Fact]
    public void Factories_BlankKeys_ThrowNamingTheArgument()
    {
        Assert.Equal("clientId", Assert.Throws<ArgumentException>(() => SlotScope.Client(" ")).ParamName);
        Assert.Equal("campaignId", Assert.Throws<ArgumentException>(() => SlotScope.Campaign("acme", "")).ParamName);
        Assert.Throws<ArgumentNullException>(() => SlotScope.ForKey(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlotScopeLimit(SlotScope.Global, -1));
        Assert.Throws<ArgumentException>(() => new SlotScopeLimit(default, 1));
    }

    [Fact]
    public void SlotScopeSet_EmptyOrDuplicate_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SlotScopeSet());
        var ex = Assert.Throws<ArgumentException>(() => new SlotScopeSet(new SlotScopeLimit(SlotScope.Global, 1), new SlotScopeLimit(SlotScope.Global, 2)));
        Assert.Contains("repeats scope 'global'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SlotScopeSet_KeepsOrderAndFindsScopes()
    {
        var set = new SlotScopeSet(new SlotScopeLimit(SlotScope.Global, 9), new SlotScopeLimit(SlotScope.Client("acme"), 3));
        Assert.Equal(2, set.Count);
        Assert.Equal(1, set.IndexOf(SlotScope.Client("acme")));
        Assert.Equal(-1, set.IndexOf(SlotScope.Client("globex")));
        Assert.Equal(3, set[1].Limit);
        Assert.Equal([SlotScope.Global, SlotScope.Client("acme")], set.Select(s => s.Scope));
    }
}
