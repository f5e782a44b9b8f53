# Draws bench/results.svg from the benchmark's checks: one bar per check, its length the achieved figure as a
# multiple of the target (1.0 = target met exactly), a line at the target, green when met, red when missed.
function Write-BenchChart {
    param([Parameter(Mandatory)] [object[]] $Checks, [Parameter(Mandatory)] [string] $Path, [string] $Title = 'FiftyOneCache benchmark')
    $esc = { param($s) [Security.SecurityElement]::Escape([string]$s) }
    $rowH = 30; $labelW = 430; $barW = 420; $maxX = 3.0
    $rows = @($Checks)
    $h = 90 + $rows.Count * $rowH + 40
    $w = $labelW + $barW + 190
    $sb = [Text.StringBuilder]::new()
    $inv = [Globalization.CultureInfo]::InvariantCulture
    $f = { param($v) ([double]$v).ToString('0.##', $inv) }
    [void]$sb.AppendLine("<svg xmlns=`"http://www.w3.org/2000/svg`" width=`"$w`" height=`"$h`" font-family=`"sans-serif`" font-size=`"12`">")
    [void]$sb.AppendLine("<rect width=`"100%`" height=`"100%`" fill=`"white`"/>")
    [void]$sb.AppendLine("<text x=`"10`" y=`"24`" font-size=`"16`" font-weight=`"bold`">$(& $esc $Title)</text>")
    [void]$sb.AppendLine("<text x=`"10`" y=`"44`" fill=`"#555`">Bar = achieved / target (lower-is-better targets inverted); line at 1.0 = target; axis capped at ${maxX}x</text>")
    $x0 = $labelW; $top = 64
    foreach ($t in 0, 1, 2, 3) {
        $x = $x0 + $barW * $t / $maxX
        [void]$sb.AppendLine("<line x1=`"$(& $f $x)`" y1=`"$top`" x2=`"$(& $f $x)`" y2=`"$($top + $rows.Count * $rowH)`" stroke=`"$(if ($t -eq 1) { '#000' } else { '#ddd' })`" stroke-width=`"$(if ($t -eq 1) { 2 } else { 1 })`"/>")
        [void]$sb.AppendLine("<text x=`"$(& $f $x)`" y=`"$($top + $rows.Count * $rowH + 16)`" text-anchor=`"middle`" fill=`"#555`">${t}x</text>")
    }
    $i = 0
    foreach ($c in $rows) {
        $y = $top + $i * $rowH
        [void]$sb.AppendLine("<text x=`"$($x0 - 8)`" y=`"$($y + 19)`" text-anchor=`"end`">$(& $esc $c.Label)</text>")
        if ($null -eq $c.Score) {
            [void]$sb.AppendLine("<text x=`"$($x0 + 6)`" y=`"$($y + 19)`" fill=`"#888`">$(& $esc $c.Text)</text>")
        } else {
            $len = $barW * [Math]::Min([double]$c.Score, $maxX) / $maxX
            $color = if ($c.Met) { '#2e9d4f' } else { '#d9453b' }
            [void]$sb.AppendLine("<rect x=`"$x0`" y=`"$($y + 6)`" width=`"$(& $f ([Math]::Max($len, 1)))`" height=`"18`" fill=`"$color`"/>")
            [void]$sb.AppendLine("<text x=`"$(& $f ($x0 + $len + 6))`" y=`"$($y + 19)`">$(& $esc $c.Text)</text>")
        }
        $i++
    }
    [void]$sb.AppendLine('</svg>')
    Set-Content -Path $Path -Value $sb.ToString() -Encoding utf8NoBOM
}
