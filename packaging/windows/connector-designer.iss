; Inno Setup script: the Windows installer of Connector Designer.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\connector-designer.iss
;
; Run after PyInstaller has built dist\connector-designer\ (see packaging/ci/package.yml);
; the version comes from pyproject.toml through /DAppVersion. Writes
; dist\connector-designer-<version>-windows-x86_64-setup.exe.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z
#endif

#define AppId "io.github.connectordesigner.ConnectorDesigner"
#define AppName "Connector Designer"
#define AppExe "Connector Designer.exe"
; The console twin, for the command line (on PATH when the task is chosen).
#define CliExe "connector-designer.exe"

[Setup]
; A fixed GUID-like id keeps upgrades in place; it must never change.
AppId={{6F0D7F0B-2C55-4C8F-9E62-3E7C1B0CD5A1}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The Connector Designer developers
AppPublisherURL=https://github.com/connectordesigner/connector-designer
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=connector-designer-{#AppVersion}-windows-x86_64-setup
SetupIconFile=..\..\build\icons\connector-designer.ico
UninstallDisplayIcon={app}\{#AppExe}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
ChangesAssociations=yes
ChangesEnvironment=yes
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked
Name: "addtopath"; Description: "Add connector-designer to PATH (for the command line)"

[Files]
Source: "..\..\dist\connector-designer\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; Workspaces (*.workspace.json) and bundles (*.bundle.json) open in the app.
Root: HKA; Subkey: "Software\Classes\.workspace.json\OpenWithProgids"; ValueType: string; ValueName: "ConnectorDesigner.Workspace"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\ConnectorDesigner.Workspace"; ValueType: string; ValueName: ""; ValueData: "Connector Designer workspace"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\ConnectorDesigner.Workspace\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\ConnectorDesigner.Workspace\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.bundle.json\OpenWithProgids"; ValueType: string; ValueName: "ConnectorDesigner.Bundle"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\ConnectorDesigner.Bundle"; ValueType: string; ValueName: ""; ValueData: "Connector Designer bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\ConnectorDesigner.Bundle\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\ConnectorDesigner.Bundle\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKA, 'Environment', 'Path', Path) then
    Path := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
