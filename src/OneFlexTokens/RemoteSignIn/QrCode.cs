using System.Text;

namespace OneFlexTokens.RemoteSignIn;

/// <summary>
/// A QR code (ISO/IEC 18004, model 2) of a text: byte mode (UTF-8, announced by ECI 26 when the text is not ASCII, since
/// readers take bytes as ISO-8859-1 otherwise), error correction level M (15 %, enough for a
/// camera on a screen), the smallest version that holds it, the mask with the lowest penalty. Written here, on the
/// BCL alone, because the QR package served to this project (QRCoder) brings System.Drawing.Common with it.
/// </summary>
internal sealed class QrCode
{
    public const int MaxVersion = 40;

    // Per version (index 0 unused), level M: error correction codewords per block, and blocks (ISO/IEC 18004 table 9).
    private static readonly int[] EccCodewordsPerBlock =
    {
        -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    };

    private static readonly int[] ErrorCorrectionBlocks =
    {
        -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    };

    // Level M's two bits in the format information.
    private const int LevelMFormatBits = 0;

    private readonly bool[,] modules;
    private readonly bool[,] isFunction;

    private QrCode(int version)
    {
        Version = version;
        Size = version * 4 + 17;
        modules = new bool[Size, Size];
        isFunction = new bool[Size, Size];
    }

    public int Version { get; }

    /// <summary>Modules per side, without the quiet zone.</summary>
    public int Size { get; }

    public int Mask { get; private set; }

    /// <summary>Whether the module at column <paramref name="x"/>, row <paramref name="y"/> is dark; outside the symbol (the quiet zone) it is light.</summary>
    public bool IsDark(int x, int y) => x >= 0 && y >= 0 && x < Size && y < Size && modules[y, x];

    /// <summary>The code of <paramref name="text"/>, or null when it is too long for any version.</summary>
    public static QrCode? TryEncode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var utf8Eci = bytes.Length != text.Length;
        var eciBits = utf8Eci ? 12 : 0;
        for (var version = 1; version <= MaxVersion; version++)
        {
            var countBits = version <= 9 ? 8 : 16;
            if (bytes.Length < 1 << countBits && eciBits + 4 + countBits + bytes.Length * 8 <= DataCodewords(version) * 8)
            {
                var code = new QrCode(version);
                code.Draw(DataBits(bytes, utf8Eci, countBits, DataCodewords(version)));
                return code;
            }
        }

        return null;
    }

    private void Draw(byte[] data)
    {
        DrawFunctionPatterns();
        DrawCodewords(WithErrorCorrection(data));
        var best = -1;
        var bestPenalty = long.MaxValue;
        for (var mask = 0; mask < 8; mask++)
        {
            ApplyMask(mask);
            DrawFormatBits(mask);
            var penalty = Penalty();
            if (penalty < bestPenalty)
            {
                best = mask;
                bestPenalty = penalty;
            }

            ApplyMask(mask); // XOR again: undone
        }

        Mask = best;
        ApplyMask(best);
        DrawFormatBits(best);
    }

    /// <summary>The ECI if any, mode, count, the bytes, a terminator and the pad codewords, filling the version's data capacity.</summary>
    private static byte[] DataBits(byte[] bytes, bool utf8Eci, int countBits, int capacity)
    {
        var bits = new List<bool>(capacity * 8);
        void Append(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--)
            {
                bits.Add(((value >> i) & 1) != 0);
            }
        }

        if (utf8Eci)
        {
            Append(0b0111, 4);
            Append(26, 8); // ECI 26: UTF-8
        }

        Append(0b0100, 4);
        Append(bytes.Length, countBits);
        foreach (var b in bytes)
        {
            Append(b, 8);
        }

        Append(0, Math.Min(4, capacity * 8 - bits.Count));
        Append(0, (8 - bits.Count % 8) % 8);
        for (var pad = 0xEC; bits.Count < capacity * 8; pad ^= 0xEC ^ 0x11)
        {
            Append(pad, 8);
        }

        var data = new byte[capacity];
        for (var i = 0; i < bits.Count; i++)
        {
            data[i >> 3] |= (byte)((bits[i] ? 1 : 0) << (7 - (i & 7)));
        }

        return data;
    }

    /// <summary>Splits the data into blocks, appends each block's Reed-Solomon codewords, and interleaves them.</summary>
    private byte[] WithErrorCorrection(byte[] data)
    {
        var blockCount = ErrorCorrectionBlocks[Version];
        var eccLength = EccCodewordsPerBlock[Version];
        var raw = RawDataModules(Version) / 8;
        var shortBlocks = blockCount - raw % blockCount;
        var shortLength = raw / blockCount;
        var divisor = ReedSolomonDivisor(eccLength);
        var blocks = new List<byte[]>();
        for (int i = 0, offset = 0; i < blockCount; i++)
        {
            var dataLength = shortLength - eccLength + (i < shortBlocks ? 0 : 1);
            var block = new byte[shortLength + 1];
            Array.Copy(data, offset, block, 0, dataLength);
            offset += dataLength;
            ReedSolomonRemainder(data.AsSpan(offset - dataLength, dataLength), divisor).CopyTo(block, shortLength + 1 - eccLength);
            blocks.Add(block);
        }

        var result = new List<byte>(raw);
        for (var i = 0; i <= shortLength; i++)
        {
            for (var j = 0; j < blocks.Count; j++)
            {
                // A short block has no codeword at the last data position.
                if (i != shortLength - eccLength || j >= shortBlocks)
                {
                    result.Add(blocks[j][i]);
                }
            }
        }

        return result.ToArray();
    }

    private void DrawFunctionPatterns()
    {
        for (var i = 0; i < Size; i++)
        {
            SetFunction(6, i, i % 2 == 0);
            SetFunction(i, 6, i % 2 == 0);
        }

        DrawFinder(3, 3);
        DrawFinder(Size - 4, 3);
        DrawFinder(3, Size - 4);

        var positions = AlignmentPositions();
        var last = positions.Length - 1;
        for (var i = 0; i <= last; i++)
        {
            for (var j = 0; j <= last; j++)
            {
                if (!((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0)))
                {
                    for (var dy = -2; dy <= 2; dy++)
                    {
                        for (var dx = -2; dx <= 2; dx++)
                        {
                            SetFunction(positions[i] + dx, positions[j] + dy, Math.Max(Math.Abs(dx), Math.Abs(dy)) != 1);
                        }
                    }
                }
            }
        }

        DrawFormatBits(0); // reserves the format areas; the chosen mask's bits are drawn later
        if (Version >= 7)
        {
            var remainder = Version;
            for (var i = 0; i < 12; i++)
            {
                remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25);
            }

            var bits = (Version << 12) | remainder;
            for (var i = 0; i < 18; i++)
            {
                var dark = ((bits >> i) & 1) != 0;
                var a = Size - 11 + i % 3;
                var b = i / 3;
                SetFunction(a, b, dark);
                SetFunction(b, a, dark);
            }
        }
    }

    private void DrawFinder(int cx, int cy)
    {
        for (var dy = -4; dy <= 4; dy++)
        {
            for (var dx = -4; dx <= 4; dx++)
            {
                var distance = Math.Max(Math.Abs(dx), Math.Abs(dy));
                int x = cx + dx, y = cy + dy;
                if (x >= 0 && y >= 0 && x < Size && y < Size)
                {
                    SetFunction(x, y, distance != 2 && distance != 4);
                }
            }
        }
    }

    private void DrawFormatBits(int mask)
    {
        var data = (LevelMFormatBits << 3) | mask;
        var remainder = data;
        for (var i = 0; i < 10; i++)
        {
            remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537);
        }

        var bits = ((data << 10) | remainder) ^ 0x5412;
        bool Bit(int i) => ((bits >> i) & 1) != 0;
        for (var i = 0; i <= 5; i++)
        {
            SetFunction(8, i, Bit(i));
        }

        SetFunction(8, 7, Bit(6));
        SetFunction(8, 8, Bit(7));
        SetFunction(7, 8, Bit(8));
        for (var i = 9; i < 15; i++)
        {
            SetFunction(14 - i, 8, Bit(i));
        }

        for (var i = 0; i < 8; i++)
        {
            SetFunction(Size - 1 - i, 8, Bit(i));
        }

        for (var i = 8; i < 15; i++)
        {
            SetFunction(8, Size - 15 + i, Bit(i));
        }

        SetFunction(8, Size - 8, true); // the dark module
    }

    private void DrawCodewords(byte[] codewords)
    {
        var i = 0;
        for (var right = Size - 1; right >= 1; right -= 2)
        {
            if (right == 6)
            {
                right = 5; // the vertical timing pattern's column is skipped
            }

            for (var vertical = 0; vertical < Size; vertical++)
            {
                for (var j = 0; j < 2; j++)
                {
                    var x = right - j;
                    var upward = ((right + 1) & 2) == 0;
                    var y = upward ? Size - 1 - vertical : vertical;
                    if (!isFunction[y, x] && i < codewords.Length * 8)
                    {
                        modules[y, x] = ((codewords[i >> 3] >> (7 - (i & 7))) & 1) != 0;
                        i++;
                    }
                }
            }
        }
    }

    private void ApplyMask(int mask)
    {
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var invert = mask switch
                {
                    0 => (x + y) % 2 == 0,
                    1 => y % 2 == 0,
                    2 => x % 3 == 0,
                    3 => (x + y) % 3 == 0,
                    4 => (x / 3 + y / 2) % 2 == 0,
                    5 => x * y % 2 + x * y % 3 == 0,
                    6 => (x * y % 2 + x * y % 3) % 2 == 0,
                    _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
                };
                if (invert && !isFunction[y, x])
                {
                    modules[y, x] = !modules[y, x];
                }
            }
        }
    }

    /// <summary>The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, dark/light imbalance.</summary>
    private long Penalty()
    {
        long penalty = 0;
        for (var line = 0; line < Size; line++)
        {
            foreach (var horizontal in new[] { true, false })
            {
                bool At(int i) => horizontal ? modules[line, i] : modules[i, line];
                var run = 1;
                for (var i = 1; i <= Size; i++)
                {
                    if (i < Size && At(i) == At(i - 1))
                    {
                        run++;
                        continue;
                    }

                    if (run >= 5)
                    {
                        penalty += run - 2;
                    }

                    run = 1;
                }

                // 1:1:3:1:1 dark-light with four light modules on one side (outside the symbol counts as light).
                bool Dark(int i) => i >= 0 && i < Size && At(i);
                for (var i = -4; i < Size; i++)
                {
                    var core = Dark(i) && !Dark(i + 1) && Dark(i + 2) && Dark(i + 3) && Dark(i + 4) && !Dark(i + 5) && Dark(i + 6);
                    if (core && ((!Dark(i - 1) && !Dark(i - 2) && !Dark(i - 3) && !Dark(i - 4)) || (!Dark(i + 7) && !Dark(i + 8) && !Dark(i + 9) && !Dark(i + 10))))
                    {
                        penalty += 40;
                    }
                }
            }
        }

        var dark = 0;
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                dark += modules[y, x] ? 1 : 0;
                if (x + 1 < Size && y + 1 < Size && modules[y, x] == modules[y, x + 1] && modules[y, x] == modules[y + 1, x] && modules[y, x] == modules[y + 1, x + 1])
                {
                    penalty += 3;
                }
            }
        }

        var total = Size * Size;
        var k = (Math.Abs(dark * 20 - total * 10) + total - 1) / total - 1;
        return penalty + k * 10;
    }

    private void SetFunction(int x, int y, bool dark)
    {
        modules[y, x] = dark;
        isFunction[y, x] = true;
    }

    private int[] AlignmentPositions()
    {
        if (Version == 1)
        {
            return Array.Empty<int>();
        }

        var count = Version / 7 + 2;
        var step = (Version * 8 + count * 3 + 5) / (count * 4 - 4) * 2;
        var result = new int[count];
        result[0] = 6;
        for (int i = count - 1, position = Size - 7; i >= 1; i--, position -= step)
        {
            result[i] = position;
        }

        return result;
    }

    /// <summary>Modules left for data and error correction once the function patterns are drawn.</summary>
    private static int RawDataModules(int version)
    {
        var result = (16 * version + 128) * version + 64;
        if (version >= 2)
        {
            var alignments = version / 7 + 2;
            result -= (25 * alignments - 10) * alignments - 55;
            if (version >= 7)
            {
                result -= 36;
            }
        }

        return result;
    }

    private static int DataCodewords(int version) =>
        RawDataModules(version) / 8 - EccCodewordsPerBlock[version] * ErrorCorrectionBlocks[version];

    private static byte[] ReedSolomonDivisor(int degree)
    {
        var result = new byte[degree];
        result[degree - 1] = 1;
        byte root = 1;
        for (var i = 0; i < degree; i++)
        {
            for (var j = 0; j < degree; j++)
            {
                result[j] = Multiply(result[j], root);
                if (j + 1 < degree)
                {
                    result[j] ^= result[j + 1];
                }
            }

            root = Multiply(root, 0x02);
        }

        return result;
    }

    private static byte[] ReedSolomonRemainder(ReadOnlySpan<byte> data, byte[] divisor)
    {
        var result = new byte[divisor.Length];
        foreach (var b in data)
        {
            var factor = (byte)(b ^ result[0]);
            Array.Copy(result, 1, result, 0, result.Length - 1);
            result[^1] = 0;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] ^= Multiply(divisor[i], factor);
            }
        }

        return result;
    }

    /// <summary>Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1.</summary>
    private static byte Multiply(byte x, byte y)
    {
        var z = 0;
        for (var i = 7; i >= 0; i--)
        {
            z = (z << 1) ^ ((z >> 7) * 0x11D);
            z ^= ((y >> i) & 1) * x;
        }

        return (byte)z;
    }
}
