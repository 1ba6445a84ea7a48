namespace Dialer.Redial.Tests.Policy;

public sealed class RedialCallIdsTests
{
    [Theory]
    [InlineData("call-1", 1, "call-1")]
    [InlineData("call-1/r2", 2, "call-1")]
    [InlineData("call-1/r17", 17, "call-1")]
    [InlineData("a/r2/r3", 3, "a/r2")]
    [InlineData("call-1/r1", 1, "call-1/r1")]
    [InlineData("call-1/r0", 1, "call-1/r0")]
    [InlineData("call-1/r02", 1, "call-1/r02")]
    [InlineData("call-1/r", 1, "call-1/r")]
    [InlineData("call-1/rx", 1, "call-1/rx")]
    [InlineData("/r5", 1, "/r5")]
    [InlineData("c/r1234567", 1, "c/r1234567")]
    public void ParseAttempt_CallIds_GiveAttemptAndRoot(string callId, int attempt, string root)
    {
        Assert.Equal(attempt, RedialCallIds.ParseAttempt(callId, out var parsedRoot));
        Assert.Equal(root, parsedRoot);
    }

    [Fact]
    public void ForAttempt_AnyCallIdOfTheChain_GivesTheSameId()
    {
        Assert.Equal("call-1/r4", RedialCallIds.ForAttempt("call-1", 4));
        Assert.Equal("call-1/r4", RedialCallIds.ForAttempt("call-1/r2", 4));
        Assert.Equal("call-1/r4", RedialCallIds.ForAttempt("call-1/r9", 4));
        Assert.Equal("call-1", RedialCallIds.ForAttempt("call-1/r9", 1));
    }

    [Fact]
    public void ForAttempt_RoundTripsThroughParseAttempt()
    {
        for (var attempt = 1; attempt < 50; attempt++)
        {
            Assert.Equal(attempt, RedialCallIds.ParseAttempt(RedialCallIds.ForAttempt("root", attempt)));
        }
    }

    [Fact]
    public void ForAttempt_RootTooLongForTheSuffix_HashesTheRootDeterministically()
    {
        var root = new string('x', 255);

        var id = RedialCallIds.ForAttempt(root, 2);

        Assert.Equal(id, RedialCallIds.ForAttempt(root, 2));
        Assert.StartsWith("h-", id, StringComparison.Ordinal);
        Assert.EndsWith("/r2", id, StringComparison.Ordinal);
        Assert.True(id.Length <= 256);
        Assert.NotEqual(id, RedialCallIds.ForAttempt(new string('y', 255), 2));
        _ = new Dialer.Core.DialRequest(id, "lead", Dialer.Core.PhoneNumber.Parse("+14155550123"));
    }

    [Fact]
    public void ForAttempt_AttemptBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RedialCallIds.ForAttempt("c", 0));
    }
}
