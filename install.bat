@echo off
rem Install the add-on on the section's Windows PC (run from the installation folder).
rem   install.bat MASTER.xlsm                 venv + requirements from PyPI, then setup-excel
rem   install.bat MASTER.xlsm C:\wheelhouse   offline: only the wheels in that folder (no network)
rem Prepare the wheelhouse on any PC with registry access (see docs\excel_setup.md):
rem   pip download --platform win_amd64 --only-binary=:all: --python-version 3.11 -r requirements-windows.txt -d wheelhouse
rem   pip wheel --no-deps -w wheelhouse win-unicode-console==0.5
setlocal
chcp 65001 >nul
cd /d "%~dp0"
if "%~1"=="" (
  echo 使い方: install.bat マスターのパス.xlsm [wheelhouse のフォルダ]
  exit /b 2
)
if not exist ".venv\Scripts\python.exe" (
  py -3.11 -m venv .venv || py -3 -m venv .venv || (
    echo Python 3.11 以上が見つかりません。python.org の Windows 版 Python を入れてから、もう一度実行してください。
    exit /b 1
  )
)
if "%~2"=="" (
  ".venv\Scripts\python.exe" -m pip install -r requirements.txt || goto :failed
) else (
  ".venv\Scripts\python.exe" -m pip install --no-index --find-links "%~2" -r requirements.txt || goto :failed
)
".venv\Scripts\python.exe" -m macros setup-excel "%~1" || goto :failed
echo.
echo インストールが終わりました。マスターを開き、操作シートの ⓪ 動作確認 を押してください。
exit /b 0
:failed
echo インストールを中止しました。上に表示されたメッセージを確認してください。
exit /b 1
