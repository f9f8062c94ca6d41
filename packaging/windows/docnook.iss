; Inno Setup 6 script for DocNook's Windows installer. packaging\windows\build.ps1 runs it:
;   iscc /DAppVersion=0.1.0 /DSourceDir=build\freeze\dist\docnook /DRepoDir=. /Odist docnook.iss
; Installs the frozen folder (with both models inside) per user or for all users, a Start menu
; entry for the window, an optional desktop icon, optionally `docnook` on PATH, and "Open with
; DocNook" for PDFs. Uninstalling removes the program; the person's library
; (%LOCALAPPDATA%\DocNook) stays theirs: `docnook privacy --delete-all` removes it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef FlavourSuffix
  #define FlavourSuffix ""
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\freeze\dist\docnook"
#endif
#ifndef RepoDir
  #define RepoDir "..\.."
#endif
#ifndef VulkanLoaderDir
  #define VulkanLoaderDir ""
#endif

[Setup]
AppId={{6F0C2D8E-3E55-4C1B-9E0B-5D0C6B1D0C4E}
AppName=DocNook
AppVersion={#AppVersion}
AppVerName=DocNook {#AppVersion}
AppPublisher=DocNook
DefaultDirName={autopf}\DocNook
DefaultGroupName=DocNook
DisableProgramGroupPage=yes
; Per-user install by default (no administrator needed); the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=DocNook-{#AppVersion}{#FlavourSuffix}-setup
SetupIconFile={#RepoDir}\resources\icons\docnook.ico
UninstallDisplayIcon={app}\docnook-gui.exe
; The models are already compressed as far as they go; lzma2 still shrinks the libraries.
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
ChangesEnvironment=yes
ChangesAssociations=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the docnook command to PATH"; GroupDescription: "Command line:"; Flags: unchecked
Name: "pdfopenwith"; Description: "Offer DocNook in ""Open with"" for PDF files"; GroupDescription: "Files:"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#if VulkanLoaderDir != ""
; llama.cpp's Vulkan backend needs the Vulkan loader; every GPU driver installs it in System32.
; Only where none did is this copy installed beside the program (the DLL search finds it
; there), so the model runs on the CPU instead of failing to load.
Source: "{#VulkanLoaderDir}\vulkan-1.dll"; DestDir: "{app}"; Flags: ignoreversion; Check: not VulkanLoaderInstalled
#endif

[Icons]
Name: "{autoprograms}\DocNook"; Filename: "{app}\docnook-gui.exe"; Comment: "Ask your PDFs questions, privately"
Name: "{autodesktop}\DocNook"; Filename: "{app}\docnook-gui.exe"; Tasks: desktopicon

[Registry]
; `docnook` on PATH (the user's PATH for a per-user install, the machine's otherwise).
Root: HKA; Subkey: "{code:EnvKey}"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NotOnPath(ExpandConstant('{app}'))
; "Open with" for PDFs, without taking the default away from the person's PDF reader.
Root: HKA; Subkey: "Software\Classes\Applications\docnook-gui.exe"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "DocNook"; Flags: uninsdeletekey; Tasks: pdfopenwith
Root: HKA; Subkey: "Software\Classes\Applications\docnook-gui.exe\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""; Tasks: pdfopenwith
Root: HKA; Subkey: "Software\Classes\Applications\docnook-gui.exe\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\docnook-gui.exe"" ""%1"""; Tasks: pdfopenwith
Root: HKA; Subkey: "Software\Classes\.pdf\OpenWithList\docnook-gui.exe"; ValueType: string; ValueName: ""; ValueData: ""; Flags: uninsdeletekey; Tasks: pdfopenwith

[Run]
Filename: "{app}\docnook-gui.exe"; Description: "{cm:LaunchProgram,DocNook}"; Flags: nowait postinstall skipifsilent

[Code]
function VulkanLoaderInstalled: Boolean;
begin
  Result := FileExists(ExpandConstant('{sys}\vulkan-1.dll'));
end;

function EnvKey(Param: String): String;
begin
  if IsAdminInstallMode then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

function NotOnPath(Dir: String): Boolean;
var
  Current: String;
begin
  if not RegQueryStringValue(HKA, EnvKey(''), 'Path', Current) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Current, Dir: String;
  P: Integer;
begin
  { Take {app} out of PATH again. }
  if CurUninstallStep <> usPostUninstall then exit;
  Dir := ';' + ExpandConstant('{app}');
  if RegQueryStringValue(HKA, EnvKey(''), 'Path', Current) then
  begin
    P := Pos(Uppercase(Dir), Uppercase(Current));
    if P > 0 then
    begin
      Delete(Current, P, Length(Dir));
      RegWriteExpandStringValue(HKA, EnvKey(''), 'Path', Current);
    end;
  end;
end;
