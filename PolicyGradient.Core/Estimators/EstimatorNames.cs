namespace PolicyGradient.Estimators;

/// <summary>
/// The one table of estimator names, <c>&lt;returns&gt;[+&lt;baseline&gt;][+loo][+norm]</c>: e.g. <c>total</c>,
/// <c>reward-to-go+average+loo+norm</c>, <c>reward-to-go+optimal-per-step+loo</c>. <c>loo</c> is
/// <see cref="EstimatorOptions.LeaveOneOut"/> and <c>norm</c> is <see cref="EstimatorOptions.Normalize"/>. The names
/// carry no discount, value options (GAE λ, the critic) or entropy bonus: <see cref="Parse"/> takes the discount
/// separately, and the others are set on the parsed options.
/// </summary>
public static class EstimatorNames
{
    /// <summary>The token for <see cref="EstimatorOptions.LeaveOneOut"/>.</summary>
    public const string LeaveOneOutToken = "loo";

    /// <summary>The token for <see cref="EstimatorOptions.Normalize"/>.</summary>
    public const string NormalizeToken = "norm";

    private static readonly (string Token, ReturnKind Kind)[] ReturnTable =
    [
        ("total", ReturnKind.Total),
        ("reward-to-go", ReturnKind.RewardToGo),
    ];

    private static readonly (string Token, BaselineKind Kind)[] BaselineTable =
    [
        ("average", BaselineKind.Average),
        ("optimal", BaselineKind.Optimal),
        ("optimal-per-step", BaselineKind.OptimalPerStep),
        ("value", BaselineKind.Value),
    ];

    /// <summary>The return tokens, in table order: total, reward-to-go.</summary>
    public static IReadOnlyList<string> ReturnTokens { get; } = ReturnTable.Select(r => r.Token).ToArray();

    /// <summary>The baseline tokens, in table order: average, optimal, optimal-per-step, value (no token: no baseline).</summary>
    public static IReadOnlyList<string> BaselineTokens { get; } = BaselineTable.Select(b => b.Token).ToArray();

    /// <summary>The estimators studied in the docs, by canonical name: each return alone, with each baseline, and the usual options.</summary>
    public static IReadOnlyList<string> WellKnown { get; } =
    [
        "total",
        "total+average",
        "total+average+loo",
        "total+optimal+loo",
        "reward-to-go",
        "reward-to-go+average+loo",
        "reward-to-go+average+norm",
        "reward-to-go+average+loo+norm",
        "reward-to-go+optimal+loo",
        "reward-to-go+optimal-per-step+loo",
        "reward-to-go+value",
    ];

    /// <summary>The grammar, as error messages state it.</summary>
    public static string Grammar { get; } =
        $"<returns>[+<baseline>][+{LeaveOneOutToken}][+{NormalizeToken}] with returns {string.Join(" | ", ReturnTokens)} and baseline {string.Join(" | ", BaselineTokens)}";

    /// <summary>The return kind named <paramref name="token"/>, if any.</summary>
    public static bool TryParseReturns(string token, out ReturnKind kind) => TryFind(ReturnTable, token, out kind);

    /// <summary>The baseline kind named <paramref name="token"/>, if any.</summary>
    public static bool TryParseBaseline(string token, out BaselineKind kind) => TryFind(BaselineTable, token, out kind);

    /// <summary>The token of a return kind.</summary>
    public static string Token(ReturnKind kind) => ReturnTable.Single(r => r.Kind == kind).Token;

    /// <summary>The token of a baseline kind other than <see cref="BaselineKind.None"/>.</summary>
    public static string Token(BaselineKind kind) => BaselineTable.Single(b => b.Kind == kind).Token;

    /// <summary>Parses a name of the grammar into options with discount <paramref name="discount"/>.</summary>
    /// <exception cref="ArgumentException">An unknown or misplaced token (the message names it and lists what is accepted), or a
    /// combination <see cref="EstimatorOptions.Validate"/> refuses.</exception>
    public static EstimatorOptions Parse(string name, double discount = 1.0)
    {
        ArgumentNullException.ThrowIfNull(name);
        string[] tokens = name.Split('+', StringSplitOptions.TrimEntries);
        if (!TryParseReturns(tokens[0], out ReturnKind returns))
        {
            throw new ArgumentException($"Estimator '{name}' starts with '{tokens[0]}'; expected {Grammar}.", nameof(name));
        }

        var options = new EstimatorOptions(returns, Discount: discount);
        int next = 1;
        if (next < tokens.Length && TryParseBaseline(tokens[next], out BaselineKind baseline))
        {
            options = options with { Baseline = baseline };
            next++;
        }

        if (next < tokens.Length && tokens[next] == LeaveOneOutToken)
        {
            options = options with { LeaveOneOut = true };
            next++;
        }

        if (next < tokens.Length && tokens[next] == NormalizeToken)
        {
            options = options with { Normalize = true };
            next++;
        }

        if (next < tokens.Length)
        {
            throw new ArgumentException($"Estimator '{name}' has '{tokens[next]}' where it cannot stand; expected {Grammar}.", nameof(name));
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            string reason = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new ArgumentException($"Estimator '{name}' is not a valid combination: {reason.Split('\n')[0].TrimEnd()}", nameof(name), e);
        }

        return options;
    }

    /// <summary>The canonical name of <paramref name="options"/> (without the discount): <c>Parse(Format(o), o.Discount) == o</c>.</summary>
    public static string Format(EstimatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Token(options.Returns)
            + (options.Baseline == BaselineKind.None ? string.Empty : "+" + Token(options.Baseline))
            + (options.LeaveOneOut ? "+" + LeaveOneOutToken : string.Empty)
            + (options.Normalize ? "+" + NormalizeToken : string.Empty);
    }

    private static bool TryFind<TKind>((string Token, TKind Kind)[] table, string token, out TKind kind)
        where TKind : struct, Enum
    {
        foreach ((string t, TKind k) in table)
        {
            if (t == token)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
