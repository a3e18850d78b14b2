namespace Svcsim.Engine;

/// <summary>
/// The position of the smallest value among positions 0..n-1, ties to the lowest position, with positions
/// that may be absent: O(log n) to change a value, O(1) to read the minimum. A segment tree over the
/// positions; it answers exactly what a scan in position order keeping the first strictly smaller value
/// would, so replacing such a scan changes no result.
/// </summary>
public sealed class MinPositionTree
{
    private readonly int _leaves; // a power of two >= Count
    private readonly int[] _value; // per position
    private readonly bool[] _present;
    private readonly int[] _best; // per tree node: the best position below it, -1 when none

    /// <summary>A tree of <paramref name="count"/> positions, all absent.</summary>
    public MinPositionTree(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        _leaves = 1;
        while (_leaves < count)
        {
            _leaves *= 2;
        }
        _value = new int[count];
        _present = new bool[count];
        _best = new int[2 * _leaves];
        Array.Fill(_best, -1);
    }

    /// <summary>Number of positions.</summary>
    public int Count { get; }

    /// <summary>The position of the smallest present value (the lowest such position on ties), or -1 when none is present.</summary>
    public int Best => _best[1];

    /// <summary>The value at <paramref name="position"/> (meaningful while it is present).</summary>
    public int ValueAt(int position) => _value[position];

    /// <summary>Sets the value at <paramref name="position"/> and makes it present.</summary>
    public void Set(int position, int value)
    {
        _value[position] = value;
        _present[position] = true;
        Update(position);
    }

    /// <summary>Makes <paramref name="position"/> absent: it is never the minimum.</summary>
    public void Remove(int position)
    {
        _present[position] = false;
        Update(position);
    }

    private void Update(int position)
    {
        int i = _leaves + position;
        _best[i] = _present[position] ? position : -1;
        for (i /= 2; i >= 1; i /= 2)
        {
            _best[i] = Better(_best[2 * i], _best[2 * i + 1]);
        }
    }

    private int Better(int left, int right)
    {
        // The left subtree holds the lower positions: it wins ties.
        if (left < 0)
        {
            return right;
        }
        if (right < 0)
        {
            return left;
        }
        return _value[right] < _value[left] ? right : left;
    }
}
