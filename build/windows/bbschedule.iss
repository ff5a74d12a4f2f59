; Inno Setup script for the Windows installer of BBSchedule (see docs/building-installers.md).
; Build the bundle first (build\build.sh or the PyInstaller command in the doc), then:
;   set BBSCHEDULE_VERSION=0.1.0
;   iscc build\windows\bbschedule.iss
; The installer lands in dist\BBSchedule-<version>-setup.exe. Uninstalling keeps the planners' data folders.

#define AppVersion GetEnv("BBSCHEDULE_VERSION")
#if AppVersion == ""
  #error Set BBSCHEDULE_VERSION (python -c "import bbschedule; print(bbschedule.__version__)")
#endif

[Setup]
AppId={{5B7C1E0A-3F4D-4C8E-9A61-0B2D5E7F9C13}
AppName=BBSchedule
AppVersion={#AppVersion}
AppPublisher=BBSchedule
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\BBSchedule
DefaultGroupName=BBSchedule
DisableProgramGroupPage=yes
; Per-user install without administrator rights unless the planner chooses all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=BBSchedule-{#AppVersion}-setup
SetupIconFile=..\..\build-work\bbschedule\icons\bbschedule.ico
UninstallDisplayIcon={app}\BBSchedule.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Files]
Source: "..\..\dist\BBSchedule\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\BBSchedule"; Filename: "{app}\BBSchedule.exe"
Name: "{group}\BBSchedule diagnostics"; Filename: "{cmd}"; Parameters: "/k ""{app}\bbschedule-cli.exe"" doctor"
Name: "{autodesktop}\BBSchedule"; Filename: "{app}\BBSchedule.exe"; Tasks: desktopicon

[Registry]
; Open .xer files with BBSchedule (P6 exports); the planner can change it in Windows settings.
Root: HKA; Subkey: "Software\Classes\.xer\OpenWithProgids"; ValueType: string; ValueName: "BBSchedule.xer"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\BBSchedule.xer"; ValueType: string; ValueName: ""; ValueData: "Primavera P6 schedule"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\BBSchedule.xer\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\BBSchedule.exe,0"
Root: HKA; Subkey: "Software\Classes\BBSchedule.xer\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\BBSchedule.exe"" open ""%1"""

[Run]
Filename: "{app}\BBSchedule.exe"; Description: "Start BBSchedule"; Flags: nowait postinstall skipifsilent
