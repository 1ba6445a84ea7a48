using Microsoft.Extensions.Options;

namespace Dialer.Core.Tests.Dispositions;

public sealed class DispositionTests
{
    [Fact]
    public void WellKnown_HaveTheDocumentedCategories()
    {
        Assert.Equal(DispositionCategory.Final, Disposition.Sold.Category);
        Assert.Equal(DispositionCategory.Final, Disposition.DoNotCallRequest.Category);
        Assert.Equal(DispositionCategory.Retryable, Disposition.NoAnswer.Category);
        Assert.Equal(DispositionCategory.Conversation, Disposition.Transferred.Category);
        Assert.Equal(DispositionCategory.Unknown, Disposition.UnknownOutcome.Category);
        Assert.Equal(13, Disposition.WellKnown.Count);
        Assert.Equal(13, Disposition.WellKnown.Select(d => d.Code).Distinct().Count());
    }

    [Fact]
    public void Default_IsTheUnknownOutcome()
    {
        Disposition d = default;
        Assert.True(d.IsUnknown);
        Assert.Equal(Disposition.UnknownOutcome, d);
    }

    [Fact]
    public void Catalog_ResolvesWellKnownAndHostCodes()
    {
        var catalog = new DispositionCatalog(new DialerOptions { CustomDispositions = { ["appointment_set"] = DispositionCategory.Final } });

        Assert.Equal(Disposition.Busy, catalog.Get("BUSY"));
        Assert.Equal(DispositionCategory.Final, catalog.Get("appointment_set").Category);
        Assert.False(catalog.Get("appointment_set").IsWellKnown);
        var ex = Assert.Throws<ArgumentException>(() => catalog.Get("teleported"));
        Assert.Contains("'teleported'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DialerOptions_Defaults()
    {
        var o = new DialerOptions();
        Assert.Empty(o.CustomDispositions);
        Assert.True(o.ReportAllReasons);
    }

    [Fact]
    public void DialerOptions_Invalid_ReportsEveryErrorNamingFieldAndValue()
    {
        var o = new DialerOptions
        {
            CustomDispositions =
            {
                ["Bad Code"] = DispositionCategory.Final,
                ["sold"] = DispositionCategory.Retryable,
                ["ok_code"] = (DispositionCategory)42,
            },
        };

        var ex = Assert.Throws<OptionsValidationException>(() => DialerOptionsValidator.ThrowIfInvalid(o));

        Assert.Equal(
            [
                "CustomDispositions:Bad Code = 'Bad Code': Disposition code 'Bad Code' may contain only lower-case letters, digits and '_'.",
                "CustomDispositions:sold = 'sold': Disposition code 'sold' is a well-known outcome and cannot be redefined.",
                "CustomDispositions:ok_code = 42: is not a defined DispositionCategory (Unknown, Retryable, Conversation, Final).",
            ],
            ex.Failures);
    }
}
