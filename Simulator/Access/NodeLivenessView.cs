using Svcsim.Engine;
using Svcsim.Kubernetes;
using Svcsim.Network;

namespace Svcsim.Access;

/// <summary>
/// A front door's own belief about which nodes are alive, lagging the truth the way the real mechanism
/// does: a crash is noticed only after a detection delay (memberlist suspicion, a BGP hold timer), and a
/// node that boots counts again only once kubelet has started its speaker pod and a join delay has passed.
/// </summary>
internal sealed class NodeLivenessView
{
    private readonly Simulation _sim;
    private readonly bool[] _alive;

    /// <param name="sim">The simulation.</param>
    /// <param name="model">Where node changes are announced.</param>
    /// <param name="detect">Delay from a crash to the view believing it.</param>
    /// <param name="join">Delay from kubelet's return to the view counting the node again.</param>
    /// <param name="onDead">Told once the view believes a node dead.</param>
    /// <param name="onAlive">Told once the view believes a node alive again.</param>
    public NodeLivenessView(Simulation sim, KubernetesModel model, Sampler detect, long join, Action<Node> onDead, Action<Node> onAlive)
    {
        _sim = sim;
        _alive = model.Cluster.Nodes.Select(n => n.Up).ToArray();
        model.NodeChanged += node =>
        {
            if (node.Up || !_alive[node.Index])
            {
                return;
            }
            int incarnation = node.Incarnation;
            _sim.Schedule(detect.NextNanoseconds(), () =>
            {
                if (!node.Up && node.Incarnation == incarnation && _alive[node.Index])
                {
                    _alive[node.Index] = false;
                    onDead(node);
                }
            });
        };
        model.KubeletStarted += node =>
        {
            int incarnation = node.Incarnation;
            _sim.Schedule(join, () =>
            {
                if (node.Up && node.Incarnation == incarnation && !_alive[node.Index])
                {
                    _alive[node.Index] = true;
                    onAlive(node);
                }
            });
        };
    }

    /// <summary>Whether the view believes <paramref name="node"/> alive.</summary>
    public bool IsAlive(Node node) => _alive[node.Index];
}
