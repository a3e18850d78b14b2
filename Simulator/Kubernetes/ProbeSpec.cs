namespace Svcsim.Kubernetes;

/// <summary>How a probe asks the container (core/v1 ProbeHandler).</summary>
public enum ProbeAction
{
    /// <summary>An HTTP GET the application answers: it waits behind the pod's queued work like any request.</summary>
    HttpGet,
    /// <summary>A gRPC health check the application answers: it queues like an HTTP GET.</summary>
    Grpc,
    /// <summary>A TCP connect: the kernel completes it while the port listens, whatever the application's load.</summary>
    TcpSocket,
    /// <summary>A command run in the container: succeeds while the application is up.</summary>
    Exec,
}

/// <summary>
/// A readiness, liveness or startup probe (core/v1 Probe) with the API's defaults: initialDelaySeconds 0,
/// periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3
/// (kubernetes-behaviour.md, "Node failure", readiness probe row).
/// </summary>
/// <param name="Action">How it asks.</param>
/// <param name="InitialDelayS">initialDelaySeconds: no probe counts before the container has run this long.</param>
/// <param name="PeriodS">periodSeconds: the prober's tick.</param>
/// <param name="TimeoutS">timeoutSeconds: an answer later than this is a failure.</param>
/// <param name="SuccessThreshold">successThreshold: consecutive successes to pass after failing (1 for liveness and startup).</param>
/// <param name="FailureThreshold">failureThreshold: consecutive failures to fail after passing.</param>
public sealed record ProbeSpec(
    ProbeAction Action,
    double InitialDelayS = 0,
    double PeriodS = 10,
    double TimeoutS = 1,
    int SuccessThreshold = 1,
    int FailureThreshold = 3)
{
    /// <summary>Whether the probe is answered by the application's workers (and so can time out under load).</summary>
    public bool ThroughApplication => Action is ProbeAction.HttpGet or ProbeAction.Grpc;
}

/// <summary>What a pod's containers say about health and shutdown.</summary>
/// <param name="Readiness">readinessProbe; null: ready as soon as started.</param>
/// <param name="Liveness">livenessProbe; null: never restarted for being unhealthy.</param>
/// <param name="Startup">startupProbe; null: started when the application is up.</param>
/// <param name="TerminationGracePeriodS">terminationGracePeriodSeconds (30 by default): how long deletion waits for the containers, preStop included, before killing them.</param>
/// <param name="PreStopS">How long the preStop hook takes (a <c>sleep N</c> command or the sleep action); the application keeps serving meanwhile.</param>
public sealed record HealthSpec(
    ProbeSpec? Readiness = null,
    ProbeSpec? Liveness = null,
    ProbeSpec? Startup = null,
    double TerminationGracePeriodS = 30,
    double PreStopS = 0)
{
    /// <summary>No probes, 30 s grace, no preStop.</summary>
    public static HealthSpec Default { get; } = new();
}
