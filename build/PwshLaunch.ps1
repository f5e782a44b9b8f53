# pwsh from the tool manifest runs as 'dotnet pwsh.dll'; a child pwsh must be started the same way.
# Shared by build/Common.ps1 and tests/pester/TestHelpers.psm1.

# Returns @{ File; Prefix }: start File with Prefix + your arguments.
function Get-PwshLaunch {
    $exe = [Environment]::ProcessPath
    if ((Split-Path $exe -Leaf) -match '^dotnet(\.exe)?$') { return @{ File = $exe; Prefix = @((Join-Path $PSHOME 'pwsh.dll')) } }
    return @{ File = $exe; Prefix = @() }
}

function Invoke-Pwsh {
    $l = Get-PwshLaunch
    & $l.File @($l.Prefix + $args)
}
