Attribute VB_Name = "Addin"
' Buttons on the sheet of operations. Each Sub runs the same Python function as the
' command line (python -m macros ...). RunPython comes from the xlwings standalone module
' that the master carries, so no add-in has to be installed.
' Keep this file ASCII: the VBA editor imports .bas files in the system code page.
Option Explicit

Sub SelfCheck()
    RunPython "import macros.xl as m; m.self_check()"
End Sub

Sub Distribute()
    RunPython "import macros.xl as m; m.distribute()"
End Sub

Sub Collect()
    RunPython "import macros.xl as m; m.collect()"
End Sub

Sub Validate()
    RunPython "import macros.xl as m; m.validate()"
End Sub

Sub MakeReports()
    RunPython "import macros.xl as m; m.report()"
End Sub

Sub Remind()
    RunPython "import macros.xl as m; m.remind()"
End Sub

Sub NextYear()
    RunPython "import macros.xl as m; m.next_year()"
End Sub
