param([string] $Configuration = 'Release', [switch] $Quick, [string] $Filter)
# Compiles docs/help/*.md into MAML (en-US/FiftyOneCache.dll-Help.xml) and about_ topics, in a child pwsh
# that imports the built module: syntax, types and pipeline input come from the cmdlets themselves, the prose
# from the markdown, so help cannot drift from the code.
Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/tools/ConvertTo-Maml.ps1') -ModuleDir $ModuleDir -HelpDir (Join-Path $Root 'docs/help')
if ($LASTEXITCODE -ne 0) { throw 'help compilation failed' }
