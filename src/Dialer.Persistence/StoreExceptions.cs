namespace Dialer.Persistence;

/// <summary>
/// The store's schema cannot be used by this version of the suite (for example it was written by a newer version).
/// The store refuses to admit calls rather than guess.
/// </summary>
public sealed class StoreSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StoreSchemaException()
        : base("The store's schema cannot be used by this version of Dialer.Libraries.")
    {
    }
}

/// <summary>
/// Stored state failed validation (a corrupt row, an unreadable file). <see cref="Location"/> says where; the row is
/// quarantined where the provider can, and the store fails closed: it denies admissions rather than treat the state
/// as empty.
/// </summary>
public sealed class StoreCorruptionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreCorruptionException(string location, string message, Exception? innerException = null)
        : base($"Corrupt stored state at {location}: {message}", innerException)
    {
        Location = location;
    }

    /// <summary>Creates the exception.</summary>
    public StoreCorruptionException()
        : base("Corrupt stored state.")
    {
        Location = "(unknown)";
    }

    /// <summary>Creates the exception.</summary>
    public StoreCorruptionException(string message)
        : base(message)
    {
        Location = "(unknown)";
    }

    /// <summary>Creates the exception.</summary>
    public StoreCorruptionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Location = "(unknown)";
    }

    /// <summary>Where the corrupt state is, e.g. <c>dialer.db: attempts row 1042</c>.</summary>
    public string Location { get; }
}
