// Offline check of a CloudFormation/SAM template with AWS's @aws/cloudformation-validate.
//
//   node infrastructure/tools/validate-template.mjs template.yaml
//
// Prints every diagnostic, one per line, and exits 1 when the template must not ship:
//   - any FATAL or ERROR diagnostic;
//   - any WARN diagnostic too: cfn-lint rates real deployment failures as warnings,
//     an invalid enum value such as StreamViewType: SOMETIMES being one (W3030);
//   - a report that is not "OK" (the analysis failed or is incomplete, so nothing is vouched for).
// INFO diagnostics (best-practice hints: tags, deletion policies, create-only properties) are
// printed and never fail the build.
//
// The validator checks CloudFormation resources against their schemas and checks Ref/GetAtt
// targets and parameter constraints, but it does not run the SAM transform, so it does not know
// the references SAM itself resolves. One is accepted here: `!Ref <Function>.Alias` or
// `.Version` on an AWS::Serverless::Function that has AutoPublishAlias.
import { RegoEngine, TemplateFile, TemplateModel } from "@aws/cloudformation-validate";

const path = process.argv[2];
if (!path || process.argv.length > 3) {
    console.error("usage: node validate-template.mjs <template.yaml>");
    process.exit(2);
}

const template = new TemplateFile(path);
const engine = new RegoEngine();
const model = new TemplateModel(template);
try {
    const report = engine.validateStandard(template);
    const resources = model.resources();
    const diagnostics = report.diagnostics.filter(d => !isSamVersionReference(d, resources));
    for (const d of diagnostics) {
        const where = d.startLine ? `${path}:${d.startLine}:${d.startColumn}` : path;
        const subject = [d.entity?.logicalId, d.propertyPath].filter(Boolean).join(" ");
        console.log(`${where} [${d.severity}] ${d.ruleId} ${subject}: ${d.message}`);
    }
    const blocking = diagnostics.filter(d => ["FATAL", "ERROR", "WARN"].includes(d.severity));
    console.log(`${path}: status ${report.status}, ${blocking.length} blocking, `
        + `${diagnostics.length - blocking.length} informational`);
    process.exitCode = report.status === "OK" && blocking.length === 0 ? 0 : 1;
} finally {
    model.free();
    engine.free();
}

function isSamVersionReference(d, resources) {
    const target = /^'([A-Za-z0-9]+)\.(?:Alias|Version)' is not one of /.exec(d.message)?.[1];
    const fn = target && resources[target];
    return d.ruleId === "F1020" && fn?.resourceType === "AWS::Serverless::Function"
        && fn.properties.AutoPublishAlias !== undefined;
}
