; Windows: registers Ringline for click-to-call links (tel:, sip:, sips:, callto:).
; electron-builder's NSIS target does not write protocol keys from the `protocols` config (only
; macOS Info.plist and the Linux .desktop file get them), so this include does, per user (HKCU, no
; admin rights). It is wired in build/electron-builder.yml (nsis.include) and checked by
; tests/unit/electron/builder-config.test.ts: the schemes here must equal LINK_SCHEMES.
;
; For each scheme:  HKCU\Software\Classes\<scheme>  (default) "URL:<name>", "URL Protocol" "",
;                   shell\open\command  "<install dir>\Ringline.exe" "%1"
; plus the Capabilities/RegisteredApplications entries Windows 10+ needs to list Ringline under
; Settings > Default apps (Windows keeps the user's own choice; only the user can change it there).
; At run time Electron's app.setAsDefaultProtocolClient writes the same per-scheme keys.

; The command and icon are spelled out in each macro, not in !define: this file is included before
; electron-builder's common.nsh defines APP_EXECUTABLE_FILENAME; macro bodies expand when inserted.

!macro ringlineRegisterScheme SCHEME NAME
  WriteRegStr HKCU "Software\Classes\${SCHEME}" "" "URL:${NAME}"
  WriteRegStr HKCU "Software\Classes\${SCHEME}" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\${SCHEME}\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr HKCU "Software\Classes\${SCHEME}\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr HKCU "Software\Ringline\Capabilities\URLAssociations" "${SCHEME}" "Ringline.Url"
!macroend

; Removes a scheme's key only while it still starts Ringline: another app may have taken it since.
!macro ringlineUnregisterScheme SCHEME
  ReadRegStr $0 HKCU "Software\Classes\${SCHEME}\shell\open\command" ""
  StrCmp $0 '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"' 0 +2
    DeleteRegKey HKCU "Software\Classes\${SCHEME}"
!macroend

!macro customInstall
  WriteRegStr HKCU "Software\Classes\Ringline.Url" "" "Ringline call link"
  WriteRegStr HKCU "Software\Classes\Ringline.Url" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\Ringline.Url\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr HKCU "Software\Classes\Ringline.Url\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr HKCU "Software\Ringline\Capabilities" "ApplicationName" "Ringline"
  WriteRegStr HKCU "Software\Ringline\Capabilities" "ApplicationDescription" "SIP softphone: calls tel:, sip:, sips: and callto: links"
  !insertmacro ringlineRegisterScheme "tel" "Telephone number"
  !insertmacro ringlineRegisterScheme "callto" "Telephone number"
  !insertmacro ringlineRegisterScheme "sip" "SIP address"
  !insertmacro ringlineRegisterScheme "sips" "Secure SIP address"
  WriteRegStr HKCU "Software\RegisteredApplications" "Ringline" "Software\Ringline\Capabilities"
!macroend

!macro customUnInstall
  !insertmacro ringlineUnregisterScheme "tel"
  !insertmacro ringlineUnregisterScheme "callto"
  !insertmacro ringlineUnregisterScheme "sip"
  !insertmacro ringlineUnregisterScheme "sips"
  DeleteRegValue HKCU "Software\RegisteredApplications" "Ringline"
  DeleteRegKey HKCU "Software\Ringline\Capabilities"
  DeleteRegKey /ifempty HKCU "Software\Ringline"
  DeleteRegKey HKCU "Software\Classes\Ringline.Url"
!macroend
