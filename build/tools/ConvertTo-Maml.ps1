param([Parameter(Mandatory)] [string] $ModuleDir, [Parameter(Mandatory)] [string] $HelpDir)
# platyPS is not available here, so this is the module's own markdown-to-MAML compiler.
$ErrorActionPreference = 'Stop'
$ModuleDir = (Resolve-Path $ModuleDir).Path
Import-Module (Join-Path $ModuleDir 'FiftyOneCache.psd1') -Force
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Split-Sections([string] $text, [string] $level) {
    $sections = [ordered]@{}
    $name = $null; $buf = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $text -split "`r?`n") {
        if ($line -match "^$level (.+)$") { if ($name) { $sections[$name] = ($buf -join "`n").Trim() }; $name = $Matches[1].Trim(); $buf.Clear() }
        elseif ($name) { $buf.Add($line) }
    }
    if ($name) { $sections[$name] = ($buf -join "`n").Trim() }
    return $sections
}

function Esc([string] $s) { [System.Security.SecurityElement]::Escape($s) }
function Paras([string] $text) {
    (($text -split "`n\s*`n") | Where-Object { $_.Trim() } | ForEach-Object { "<maml:para>$(Esc (($_ -replace '\s*\n\s*', ' ').Trim()))</maml:para>" }) -join ''
}

$errors = [System.Collections.Generic.List[string]]::new()
$sb = [System.Text.StringBuilder]::new()
[void]$sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void]$sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
$commands = Get-Command -Module FiftyOneCache -CommandType Cmdlet | Sort-Object Name
foreach ($cmd in $commands) {
    $file = Join-Path $HelpDir "$($cmd.Name).md"
    if (-not (Test-Path $file)) { $errors.Add("$($cmd.Name): no help page $file"); continue }
    $s = Split-Sections (Get-Content $file -Raw) '##'
    foreach ($need in 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS') { if (-not $s[$need]) { $errors.Add("$($cmd.Name): missing ## $need") } }
    $paramDocs = Split-Sections ($s['PARAMETERS']) '###'
    $verb, $noun = $cmd.Name -split '-', 2
    [void]$sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void]$sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><maml:description>$(Paras $s['SYNOPSIS'])</maml:description><command:verb>$verb</command:verb><command:noun>$noun</command:noun></command:details>")
    [void]$sb.AppendLine("<maml:description>$(Paras $s['DESCRIPTION'])</maml:description>")

    $params = $cmd.Parameters.Values | Where-Object { $_.Name -notin $common }
    function ParamXml($p, $set) {
        $attr = if ($set -and $p.ParameterSets.ContainsKey($set)) { $p.ParameterSets[$set] } elseif ($p.ParameterSets.ContainsKey('__AllParameterSets')) { $p.ParameterSets['__AllParameterSets'] } else { $p.ParameterSets.Values | Select-Object -First 1 }
        $pipe = @(); if ($attr.ValueFromPipeline) { $pipe += 'ByValue' }; if ($attr.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $pipeText = if ($pipe) { "true ($($pipe -join ', '))" } else { 'false' }
        $pos = if ($attr.Position -ge 0) { $attr.Position } else { 'named' }
        $type = $p.ParameterType.Name
        $doc = $paramDocs["-$($p.Name)"]
        if (-not $doc) { $errors.Add("$($cmd.Name): parameter -$($p.Name) is not documented") }
        $isSwitch = $p.SwitchParameter
        $globbing = ([bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToString().ToLower()
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
        $value = if ($isSwitch) { '' } else { "<command:parameterValue required=`"true`">$type</command:parameterValue>" }
        "<command:parameter required=`"$($attr.IsMandatory.ToString().ToLower())`" variableLength=`"true`" globbing=`"$globbing`" pipelineInput=`"$pipeText`" position=`"$pos`" aliases=`"$aliases`"><maml:name>$($p.Name)</maml:name><maml:description>$(Paras $doc)</maml:description>$value<dev:type><maml:name>$($p.ParameterType.FullName)</maml:name></dev:type><dev:defaultValue>None</dev:defaultValue></command:parameter>"
    }
    # -WhatIf and -Confirm are common parameters, but Get-Help shows them in the syntax only when the page lists
    # them: every command that supports ShouldProcess gets them, with the standard text unless its page has its own.
    $risk = @($cmd.Parameters.Values | Where-Object { $_.Name -in 'WhatIf', 'Confirm' } | Sort-Object { $_.Name -eq 'Confirm' })
    $riskDocs = @{
        WhatIf  = 'Shows what would happen if the command runs, without changing anything.'
        Confirm = 'Asks for confirmation before each change (see the description for how many questions a call asks).'
    }
    foreach ($r in $risk) { if (-not $paramDocs["-$($r.Name)"]) { $paramDocs["-$($r.Name)"] = $riskDocs[$r.Name] } }
    [void]$sb.Append('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void]$sb.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        # Positional parameters first, in the order of their positions (as Get-Command -Syntax shows them), then the
        # others as declared: a parameter a derived cmdlet declares would otherwise come before its base's.
        $ordered = $set.Parameters | Where-Object { $_.Name -notin $common } | Sort-Object -Stable { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }
        foreach ($p in $ordered) { [void]$sb.Append((ParamXml $cmd.Parameters[$p.Name] $set.Name)) }
        foreach ($r in $risk) { [void]$sb.Append((ParamXml $r $set.Name)) }
        [void]$sb.Append('</command:syntaxItem>')
    }
    [void]$sb.AppendLine('</command:syntax>')
    [void]$sb.Append('<command:parameters>')
    foreach ($p in @($params) + $risk) { [void]$sb.Append((ParamXml $p $null)) }
    [void]$sb.AppendLine('</command:parameters>')

    foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
        $items = Split-Sections ($s[$kind[0]]) '###'
        [void]$sb.Append("<command:$($kind[1])>")
        foreach ($k in $items.Keys) { [void]$sb.Append("<command:$($kind[2])><dev:type><maml:name>$(Esc $k)</maml:name></dev:type><maml:description>$(Paras $items[$k])</maml:description></command:$($kind[2])>") }
        [void]$sb.AppendLine("</command:$($kind[1])>")
    }
    if ($s['NOTES']) { [void]$sb.AppendLine("<maml:alertSet><maml:alert>$(Paras $s['NOTES'])</maml:alert></maml:alertSet>") }

    $examples = Split-Sections ($s['EXAMPLES']) '###'
    if ($examples.Count -lt 2) { $errors.Add("$($cmd.Name): fewer than two examples") }
    [void]$sb.Append('<command:examples>')
    $number = 0
    foreach ($title in $examples.Keys) {
        $body = $examples[$title]
        $code = if ($body -match '(?s)```(?:powershell|ps1)?\s*\n(.*?)```') { $Matches[1].TrimEnd() } else { $errors.Add("$($cmd.Name): example '$title' has no code block"); '' }
        $remarks = ($body -replace '(?s)```.*?```', '').Trim()
        # Numbered here, 1..N in page order, whatever the page's headings say ("Example 1b", two "Example 7"s).
        $number++
        $text = $title -replace '^Example\s+\S+?\s*:\s*', ''
        # The remarks end with an empty paragraph: Get-Help then leaves a blank line before the next example (and
        # an example without remarks does not run into the next title).
        [void]$sb.Append("<command:example><maml:title>--- Example $($number): $(Esc $text) ---</maml:title><dev:code>$(Esc $code)</dev:code><dev:remarks>$(Paras $remarks)<maml:para></maml:para></dev:remarks></command:example>")
    }
    [void]$sb.AppendLine('</command:examples>')
    [void]$sb.Append('<command:relatedLinks>')
    # Get-Help -Online opens the first link's URI: the cmdlet's HelpUri, its page in the project's docs.
    if ($cmd.HelpUri) { [void]$sb.Append("<maml:navigationLink><maml:linkText>Online Version:</maml:linkText><maml:uri>$(Esc $cmd.HelpUri)</maml:uri></maml:navigationLink>") }
    foreach ($l in ($s['RELATED LINKS'] -split "`n" | Where-Object { $_ -match '\[(.+?)\]' })) {
        $null = $l -match '\[(.+?)\]'
        [void]$sb.Append("<maml:navigationLink><maml:linkText>$(Esc $Matches[1])</maml:linkText><maml:uri /></maml:navigationLink>")
    }
    [void]$sb.AppendLine('</command:relatedLinks>')
    [void]$sb.AppendLine('</command:command>')
}
[void]$sb.AppendLine('</helpItems>')
if ($errors.Count) { $errors | ForEach-Object { Write-Host "help: $_" -ForegroundColor Red }; exit 1 }

$outDir = Join-Path $ModuleDir 'en-US'
New-Item -ItemType Directory -Force $outDir | Out-Null
[xml]$null = $sb.ToString()   # must be well-formed
Set-Content -Path (Join-Path $outDir 'FiftyOneCache.dll-Help.xml') -Value $sb.ToString() -Encoding utf8
foreach ($about in Get-ChildItem $HelpDir -Filter 'about_*.md') {
    $text = (Get-Content $about.FullName -Raw) -replace '(?m)^#+\s*', '' -replace '```\w*', ''
    Set-Content -Path (Join-Path $outDir ($about.BaseName + '.help.txt')) -Value $text -Encoding utf8
}
Write-Host "help: $($commands.Count) cmdlet page(s) compiled to $outDir"
