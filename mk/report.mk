# Reports (issue 3): regenerate report.html, junit.xml, rollup.xlsx and
# survey/<host>.xlsx from a results.json without re-auditing.
#   make report RESULTS=reports/<timestamp>/results.json [FEP_LANG=en] [REPORT_OUT=dir]
# The audit itself writes the same reports next to results.json.
REPORT_OUT ?=

.PHONY: report
ifneq ($(filter report,$(MAKECMDGOALS)),)
ifeq ($(strip $(RESULTS)),)
$(error usage: make report RESULTS=reports/<timestamp>/results.json [FEP_LANG=en] [REPORT_OUT=dir])
endif
endif

report: setup
	$(BIN)/python tools/fep_report.py "$(RESULTS)" --lang $(FEP_LANG)$(if $(REPORT_OUT), --out "$(REPORT_OUT)")

# tests/e2e/test_html_browser.py renders the HTML report in headless Chromium;
# fonts-noto-cjk so that Chinese text renders instead of boxes.
APT_PACKAGES += chromium fonts-noto-cjk
# tests/e2e/test_xlsx_libreoffice.py: headless LibreOffice Calc (-nogui: the smallest soffice) and poppler's pdftotext.
APT_PACKAGES += libreoffice-calc-nogui poppler-utils
