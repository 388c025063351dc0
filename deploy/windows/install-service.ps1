<#
.SYNOPSIS
Installs the asetik agent on Windows as a scheduled task that runs it at boot as SYSTEM.

.DESCRIPTION
Needs nothing beyond Windows and a Python 3.11+ installed for all users. Steps, each optional
once done:
  1. with -WheelDir: create a venv in -InstallDir and install asetik from the wheels in that
     folder (asetik and psutil; no network needed);
  2. with -CollectorUrl: write -ConfigDir\agent.toml unless it exists;
  3. lock -ConfigDir to SYSTEM and Administrators (it holds the token and the agent's credential);
  4. register the task "\asetik\asetik-agent": at startup (random delay up to 5 minutes), again
     every 30 minutes if it is not running, restarted on failure, no time limit, below-normal
     priority; then start it.
Run from an elevated PowerShell (5.1 or 7). -Uninstall removes the task only.

.EXAMPLE
.\install-service.ps1 -WheelDir \\fileserver\asetik\wheels -CollectorUrl https://collector.asetik.example -EnrollToken TOKEN -Site PUSAT

.EXAMPLE
.\install-service.ps1 -Uninstall
#>
#Requires -Version 5.1
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
    [string]$InstallDir = (Join-Path $env:ProgramFiles 'asetik-agent'),
    [string]$ConfigDir = (Join-Path $env:ProgramData 'asetik'),
    [string]$WheelDir,
    # The interpreter that creates the venv, with its arguments: the py launcher by default.
    [string[]]$Python = @('py.exe', '-3'),
    [string]$CollectorUrl,
    [string]$EnrollToken,
    [string]$Site,
    [string]$TaskName = 'asetik-agent',
    [switch]$Uninstall
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$TaskPath = '\asetik\'
$Agent = Join-Path $InstallDir 'Scripts\asetik-agent.exe'
$Config = Join-Path $ConfigDir 'agent.toml'

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe exited $LASTEXITCODE" }
}

function Install-Agent {
    if (-not $WheelDir) { return }
    if (-not (Test-Path (Join-Path $InstallDir 'Scripts\python.exe'))) {
        $pythonArgs = @($Python | Select-Object -Skip 1) + @('-m', 'venv', $InstallDir)
        Invoke-Checked $Python[0] $pythonArgs
    }
    $venvPython = Join-Path $InstallDir 'Scripts\python.exe'
    Invoke-Checked $venvPython @('-m', 'pip', 'install', '--no-index', '--find-links', $WheelDir, '--upgrade', 'asetik')
}

function ConvertTo-TomlString([string]$Name, [string]$Value) {
    # A TOML literal string: no escapes, so it must hold no single quote or line break.
    if ($Value -match "['`r`n]") { throw "-$Name must not contain a single quote or a line break" }
    return "$Name = '$Value'"
}

function Write-Config {
    if (Test-Path $Config) {
        Write-Host "Keeping the existing $Config"
        return
    }
    if (-not $CollectorUrl) { throw "$Config does not exist yet: give -CollectorUrl (and -EnrollToken, -Site)" }
    $lines = @(
        '# asetik agent configuration, written by install-service.ps1 (keys: see README.md).'
        (ConvertTo-TomlString 'collector_url' $CollectorUrl)
    )
    if ($EnrollToken) { $lines += ConvertTo-TomlString 'enroll_token' $EnrollToken }
    if ($Site) { $lines += ConvertTo-TomlString 'site' $Site }
    # UTF-8 without a byte-order mark, which TOML readers reject.
    [System.IO.File]::WriteAllLines($Config, [string[]]$lines)
    Write-Host "Wrote $Config"
}

function Protect-ConfigDir {
    New-Item -ItemType Directory -Force -Path $ConfigDir | Out-Null
    # SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544) only, by SID so that it works whatever
    # the display language of Windows. Also the agent's default state and spool folder.
    Invoke-Checked 'icacls.exe' @($ConfigDir, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F', '/T', '/Q')
}

function Register-AgentTask {
    if (-not (Test-Path $Agent)) { throw "$Agent not found: install the agent first (-WheelDir)" }
    $action = New-ScheduledTaskAction -Execute $Agent -Argument "run --config `"$Config`"" -WorkingDirectory $ConfigDir
    $atBoot = New-ScheduledTaskTrigger -AtStartup -RandomDelay (New-TimeSpan -Minutes 5)
    # Starts the agent again within 30 minutes should it ever stop; a running one is left alone
    # (MultipleInstances IgnoreNew). No RepetitionDuration means "indefinitely".
    $watchdog = New-ScheduledTaskTrigger -Once -At (Get-Date).Date -RepetitionInterval (New-TimeSpan -Minutes 30)
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $settings = New-ScheduledTaskSettingsSet `
        -ExecutionTimeLimit ([TimeSpan]::Zero) `
        -MultipleInstances IgnoreNew `
        -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 5) `
        -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries `
        -Priority 7
    Register-ScheduledTask -TaskName $TaskName -TaskPath $TaskPath -Action $action `
        -Trigger @($atBoot, $watchdog) -Principal $principal -Settings $settings `
        -Description 'asetik endpoint agent: ICT asset inventory sent to the collector' -Force | Out-Null
    Start-ScheduledTask -TaskName $TaskName -TaskPath $TaskPath
    Write-Host "Registered and started the task $TaskPath$TaskName"
}

if ($Uninstall) {
    Stop-ScheduledTask -TaskName $TaskName -TaskPath $TaskPath -ErrorAction SilentlyContinue
    Unregister-ScheduledTask -TaskName $TaskName -TaskPath $TaskPath -Confirm:$false
    Write-Host "Removed the task $TaskPath$TaskName ($InstallDir and $ConfigDir are kept)"
    return
}

Install-Agent
Protect-ConfigDir
Write-Config
Register-AgentTask
