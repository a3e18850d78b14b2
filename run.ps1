<#
.SYNOPSIS
Builds svcsim and runs, validates, sweeps or studies scenarios with it; exits with svcsim's exit code.

.DESCRIPTION
The entry point for automation. It builds the simulator once (dotnet build Simulator/Simulator.csproj -c Release,
quietly: the build's output is shown only when it fails), then runs the built svcsim
(dotnet Simulator/bin/Release/net10.0/svcsim.dll) with these parameters translated to its options:

  Run (default)  svcsim run SCENARIO... [--out] [--replications] [--parallel] [--set]... [--fail-on]...
  Validate       svcsim validate SCENARIO... [--set]...
  Sweep          svcsim sweep F [--param]... [--shard] [--out] [--replications] [--parallel] [--set]... [--fail-on]...
  Study          svcsim study F [--out] [--replications] [--parallel] [--set]... [--fail-on]...

Each line is a parameter set: PowerShell itself refuses parameters of two sets together (-Validate with -Sweep,
-Param without -Sweep), a value that is not a whole number for -Replications or -Parallel, or a -Shard that is
not I/N, before anything is built (an error record at a prompt; exit code 1 under pwsh -File).

With -PassThru the script returns the rows of the results as objects (Import-Csv): summary.csv of every scenario
run (Run, Study) or sweep.csv (Sweep); svcsim's own table goes to the host, not into the pipeline.

Exit codes are svcsim's: 0 success, 1 a failure while running (or the build failed), 2 invalid input (a scenario,
a manifest, an option), 3 a -FailOn objective failed (after everything was written).

Run it through the PowerShell local tool from anywhere inside the repository:

  dotnet tool restore
  dotnet pwsh -NoProfile -File run.ps1 [parameters]

The build, the simulator and the default scenario are found relative to this script's folder, so the current
directory does not matter. A relative scenario path is taken from the current directory when it exists there,
otherwise from this script's folder (so -Scenario Scenarios/worker-crash.yaml works from any folder of the
repository). -Out is relative to the current directory.

Several values for one parameter: from PowerShell pass an array (-Set duration=60s, replications=5). With
pwsh -File every parameter receives one string, so several values are joined by commas in one argument
(-Set duration=60s,replications=5); the script splits it again before each new path=, and never inside brackets
or inside a value (-Param clients[0].rate=100/s,200/s,controlPlane.nodeMonitorGracePeriod=40s,50s is two swept
parameters). Repeating a parameter (-Set a=1 -Set b=2) is refused by PowerShell itself.

.PARAMETER Scenario
Scenario files to run or validate; globs such as Scenarios/*.yaml work. Default: Scenarios/seed.yaml.

.PARAMETER Study
A study file to run instead (svcsim study): every scenario it lists, and index.html with the decision matrix.

.PARAMETER Sweep
A scenario to sweep instead of run: svcsim sweep over the grid of -Param values (or the scenario's sweep section).

.PARAMETER Param
With -Sweep: swept parameters, each path=value1,value2 (svcsim sweep --param).

.PARAMETER Shard
With -Sweep: run only shard I of N, written I/N such as 2/4 (svcsim sweep --shard); join shard folders with svcsim
merge.

.PARAMETER Out
Output folder (svcsim's default when left out: out for a run, out/sweep-NAME for a sweep).

.PARAMETER Replications
Independent replications, overriding the scenario's (a whole number of at least 1).

.PARAMETER Parallel
Simulations run at once (default: the number of cores). Results do not depend on it.

.PARAMETER Set
Scenario overrides, each path=value: duration=60s, clients[0].rate=500/s, controlPlane.nodeMonitorGracePeriod=40s.

.PARAMETER FailOn
Objectives that make the run exit 3 when they fail, after writing everything (svcsim --fail-on): availability<0.999,
metallb-l2:longest_outage_s>30.

.PARAMETER PassThru
Return the results as objects: Import-Csv of summary.csv (Run, Study) or sweep.csv (Sweep).

.PARAMETER Validate
Only check the scenarios and the manifests they name (svcsim validate); nothing is run or written.

.PARAMETER NoBuild
Skip the build and use the svcsim already built in Simulator/bin/Release/net10.0 (for a pipeline that built it in an
earlier step).

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1
Runs Scenarios/seed.yaml as written and writes out/seed/ (CSV files, plots, report.html).

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1 -Scenario Scenarios/worker-crash.yaml -Set duration=4m,measurement.warmup=20s -Replications 5 -Out results
Runs the worker-crash scenario shortened to four minutes, five replications, into results/worker-crash/.

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1 -Study Scenarios/origin-study.yaml
Runs the origin study into out/origin-study/ (index.html, study.csv, one folder per scenario).

.EXAMPLE
./run.ps1 -Scenario Scenarios/worker-crash.yaml -Replications 5 -PassThru | Where-Object variant -eq 'nodeport' | Select-Object replication, availability
From a PowerShell prompt: the rows of summary.csv as objects, filtered like any others.

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1 -Validate -Scenario 'Scenarios/*.yaml'
Checks every example scenario; exit code 2 and file:line:column messages when one is invalid.

.EXAMPLE
dotnet pwsh -NoProfile -File run.ps1 -Sweep Scenarios/worker-crash.yaml -Param clients[0].rate=100/s,200/s,controlPlane.nodeMonitorGracePeriod=40s,50s -Out out/grid
Sweeps two parameters over a 2 x 2 grid into out/grid (sweep.csv, sweep_ci.csv, plots, report.html). Run again after
an interruption: finished points are reused.

.EXAMPLE
./run.ps1 -Sweep Scenarios/seed.yaml -Param 'clients[0].rate=100/s,200/s' -Shard 2/4 -Out shard-2
From a PowerShell prompt: shard 2 of 4 of a sweep; svcsim merge --out all shard-1 shard-2 shard-3 shard-4 joins them.
#>
[CmdletBinding(DefaultParameterSetName = 'Run', PositionalBinding = $false)]
param(
    [Parameter(ParameterSetName = 'Run')]
    [Parameter(ParameterSetName = 'Validate')]
    [ValidateNotNullOrEmpty()]
    [string[]] $Scenario = @('Scenarios/seed.yaml'),

    [Parameter(ParameterSetName = 'Validate', Mandatory)]
    [switch] $Validate,

    [Parameter(ParameterSetName = 'Sweep', Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $Sweep,

    [Parameter(ParameterSetName = 'Sweep')]
    [string[]] $Param = @(),

    [Parameter(ParameterSetName = 'Sweep')]
    [ValidatePattern('^[1-9][0-9]*/[1-9][0-9]*$')]
    [string] $Shard,

    [Parameter(ParameterSetName = 'Study', Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $Study,

    [Parameter(ParameterSetName = 'Run')]
    [Parameter(ParameterSetName = 'Sweep')]
    [Parameter(ParameterSetName = 'Study')]
    [ValidateNotNullOrEmpty()]
    [string] $Out,

    [ValidateRange(1, 1000000)]
    [int] $Replications,

    [Parameter(ParameterSetName = 'Run')]
    [Parameter(ParameterSetName = 'Sweep')]
    [Parameter(ParameterSetName = 'Study')]
    [ValidateRange(1, 4096)]
    [int] $Parallel,

    [string[]] $Set = @(),

    [Parameter(ParameterSetName = 'Run')]
    [Parameter(ParameterSetName = 'Sweep')]
    [Parameter(ParameterSetName = 'Study')]
    [string[]] $FailOn = @(),

    [Parameter(ParameterSetName = 'Run')]
    [Parameter(ParameterSetName = 'Sweep')]
    [Parameter(ParameterSetName = 'Study')]
    [switch] $PassThru,

    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false  # native exit codes are handled below
Set-StrictMode -Version Latest

$ExitRuntimeFailure = 1
$repo = $PSScriptRoot
$mode = $PSCmdlet.ParameterSetName

# Splits 'a=1,b=[x, y],c=2' (several values joined in one pwsh -File argument) before each top-level comma that
# starts a new path=; commas inside brackets or inside a value (100/s,200/s) stay.
function Split-Assignments([string[]] $items) {
    foreach ($item in $items) {
        $depth = 0
        $start = 0
        for ($i = 0; $i -lt $item.Length; $i++) {
            $c = $item[$i]
            if ('([{'.Contains($c)) { $depth++ }
            elseif (')]}'.Contains($c)) { $depth-- }
            elseif ($c -eq ',' -and $depth -eq 0 -and $item.Substring($i + 1) -match '^\s*[A-Za-z_][\w.\[\]]*\s*=') {
                $item.Substring($start, $i - $start).Trim()
                $start = $i + 1
            }
        }
        $item.Substring($start).Trim()
    }
}

# A scenario path or glob: as given when it exists from the current directory, else from this script's folder.
function Resolve-Scenario([string] $path) {
    if ([System.IO.Path]::IsPathRooted($path) -or (Test-Path -Path $path)) {
        return $path
    }
    $fromRepo = Join-Path $repo $path
    if (Test-Path -Path $fromRepo) {
        return $fromRepo
    }
    return $path  # svcsim says it does not exist, with exit code 2
}

# ---- Parameters to svcsim options ------------------------------------------------------------------------------
$scenarios = @($Scenario | ForEach-Object { $_.Split(',') } | ForEach-Object { $_.Trim() } | Where-Object { $_ } | ForEach-Object { Resolve-Scenario $_ })
$sets = @(Split-Assignments $Set)
$given = $PSBoundParameters
$svcsimArgs = [System.Collections.Generic.List[string]]::new()
switch ($mode) {
    'Validate' {
        $svcsimArgs.Add('validate')
        foreach ($s in $scenarios) { $svcsimArgs.Add($s) }
        if ($given.ContainsKey('Replications')) { $sets += "replications=$Replications" }
    }
    'Sweep' {
        $svcsimArgs.Add('sweep')
        $svcsimArgs.Add((Resolve-Scenario $Sweep))
        foreach ($p in @(Split-Assignments $Param)) { $svcsimArgs.Add('--param'); $svcsimArgs.Add($p) }
        if ($Shard) { $svcsimArgs.Add('--shard'); $svcsimArgs.Add($Shard) }
    }
    'Study' {
        $svcsimArgs.Add('study')
        $svcsimArgs.Add((Resolve-Scenario $Study))
    }
    default {
        $svcsimArgs.Add('run')
        foreach ($s in $scenarios) { $svcsimArgs.Add($s) }
    }
}
if ($mode -ne 'Validate') {
    if ($Out) { $svcsimArgs.Add('--out'); $svcsimArgs.Add($Out) }
    if ($given.ContainsKey('Replications')) { $svcsimArgs.Add('--replications'); $svcsimArgs.Add([string]$Replications) }
    if ($given.ContainsKey('Parallel')) { $svcsimArgs.Add('--parallel'); $svcsimArgs.Add([string]$Parallel) }
    foreach ($f in $FailOn) { $svcsimArgs.Add('--fail-on'); $svcsimArgs.Add($f) }
}
foreach ($s in $sets) { $svcsimArgs.Add('--set'); $svcsimArgs.Add($s) }

# ---- Build once, quietly ---------------------------------------------------------------------------------------
$project = Join-Path $repo 'Simulator/Simulator.csproj'
$dll = Join-Path $repo 'Simulator/bin/Release/net10.0/svcsim.dll'
if (-not $NoBuild) {
    $log = & dotnet build $project -c Release -nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        [Console]::Error.WriteLine("run.ps1: dotnet build $project failed (exit code $LASTEXITCODE)")
        exit $ExitRuntimeFailure
    }
}
if (-not (Test-Path -Path $dll -PathType Leaf)) {
    [Console]::Error.WriteLine("run.ps1: $dll is missing; run without -NoBuild")
    exit $ExitRuntimeFailure
}

# ---- Run -------------------------------------------------------------------------------------------------------
if (-not $PassThru) {
    & dotnet $dll @svcsimArgs
    exit $LASTEXITCODE
}

# svcsim's table goes to the host; the pipeline gets the result rows, when svcsim wrote them (exit 0, or 3 after
# writing everything).
& dotnet $dll @svcsimArgs | Out-Host
$code = $LASTEXITCODE
if ($code -eq 0 -or $code -eq 3) {
    switch ($mode) {
        'Sweep' {
            $folder = if ($Out) { $Out } else { Join-Path 'out' ('sweep-' + [System.IO.Path]::GetFileNameWithoutExtension($Sweep)) }
            $file = Join-Path $folder 'sweep.csv'
            if (Test-Path -Path $file -PathType Leaf) { Import-Csv -Path $file }
        }
        'Study' {
            $folder = if ($Out) { $Out } else { Join-Path 'out' ([System.IO.Path]::GetFileNameWithoutExtension($Study)) }
            Get-ChildItem -Path $folder -Directory | Sort-Object Name | ForEach-Object {
                $file = Join-Path $_.FullName 'summary.csv'
                if (Test-Path -Path $file -PathType Leaf) { Import-Csv -Path $file }
            }
        }
        default {
            $folder = if ($Out) { $Out } else { 'out' }
            # The folders svcsim wrote: one per scenario file (globs expanded, study files left out, as svcsim does).
            $names = foreach ($s in $scenarios) {
                Get-ChildItem -Path $s -File | Sort-Object Name | ForEach-Object { [System.IO.Path]::GetFileNameWithoutExtension($_.Name) }
            }
            foreach ($name in $names) {
                $file = Join-Path (Join-Path $folder $name) 'summary.csv'
                if (Test-Path -Path $file -PathType Leaf) { Import-Csv -Path $file }
            }
        }
    }
}
exit $code
