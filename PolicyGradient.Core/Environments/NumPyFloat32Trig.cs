namespace PolicyGradient.Environments;

/// <summary>
/// NumPy's float32 sine and cosine as its SIMD loops compute them (NumPy 1.2x on x86 with FMA3): Cody–Waite
/// reduction by π/2 in three fused steps, then minimax polynomials on [−π/4, π/4] (max 1.49 ulp, not correctly
/// rounded), falling back to the C library beyond |x| = 117435.992 (sine) or 71476.0625 (cosine).
/// Gymnasium evaluates sin/cos on a float32 state only in Acrobot's reset observation; reproducing these bits is
/// what keeps that observation identical to Gymnasium's.
/// </summary>
internal static class NumPyFloat32Trig
{
    private static readonly float TwoOverPi = F(0x145f306, -25);
    private static readonly float PiOver2High = -F(0x1921fb0, -24), PiOver2Medium = -F(0x15110b4, -46), PiOver2Low = -F(0x1846988, -72);
    private static readonly float Cos8 = F(0x198e616, -40), Cos6 = -F(0x16c06dc, -34), Cos4 = F(0x155553c, -29);
    private static readonly float Sin9 = F(0x17d3bbc, -43), Sin7 = -F(0x1a06bba, -37), Sin5 = F(0x111119a, -31), Sin3 = -F(0x1555556, -27);
    private const float RintMagic = 12582912f; // 1.5·2²³

    public static float Sin(float x) => Evaluate(x, cosine: false);

    public static float Cos(float x) => Evaluate(x, cosine: true);

    private static float Evaluate(float x, bool cosine)
    {
        if (float.IsNaN(x))
        {
            return float.NaN;
        }

        if (MathF.Abs(x) > (cosine ? 71476.0625f : 117435.992f))
        {
            return cosine ? MathF.Cos(x) : MathF.Sin(x);
        }

        float quadrant = (x * TwoOverPi) + RintMagic - RintMagic; // rint(x·2/π), in float arithmetic
        float r = MathF.FusedMultiplyAdd(quadrant, PiOver2High, x);
        r = MathF.FusedMultiplyAdd(quadrant, PiOver2Medium, r);
        r = MathF.FusedMultiplyAdd(quadrant, PiOver2Low, r);
        float r2 = r * r;

        float c = MathF.FusedMultiplyAdd(Cos8, r2, Cos6);
        c = MathF.FusedMultiplyAdd(c, r2, Cos4);
        c = MathF.FusedMultiplyAdd(c, r2, -0.5f);
        c = MathF.FusedMultiplyAdd(c, r2, 1f);

        float s = MathF.FusedMultiplyAdd(Sin9, r2, Sin7);
        s = MathF.FusedMultiplyAdd(s, r2, Sin5);
        s = MathF.FusedMultiplyAdd(s, r2, Sin3);
        s = MathF.FusedMultiplyAdd(s, r2, 0f);
        s = MathF.FusedMultiplyAdd(s, r, r);

        int k = (int)MathF.Round(quadrant) + (cosine ? 1 : 0);
        float value = (k & 1) == 0 ? s : c;
        return (k & 2) == 2 ? 0f - value : value;
    }

    // mantissa · 2^exponent, exact in float for the constants above (hex-float literals written out)
    private static float F(int mantissa, int exponent) => (float)Math.ScaleB(mantissa, exponent);
}
