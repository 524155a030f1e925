// Runs an Amazon States Language definition locally with aws-local-stepfunctions (the devstack's
// Step Functions, SPEC §12):
//
//   node infrastructure/tools/run-state-machine.mjs <definition.asl.json> <substitutions.json> <input.json>
//
// ${Name} placeholders are replaced as CloudFormation's DefinitionSubstitutions would. Task states
// with a Lambda ARN are invoked through the Lambda API at AWS_ENDPOINT_URL_LAMBDA (the devstack
// serves it and runs the handler class the template names). Prints the execution's output JSON and
// exits 0, or prints the error and exits 1.

// aws-local-stepfunctions 3 uses Promise.withResolvers, which Node gained in 22.
if (!Promise.withResolvers) {
    Promise.withResolvers = function () {
        let resolve, reject;
        const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
        return { promise, resolve, reject };
    };
}
const { StateMachine } = await import("aws-local-stepfunctions");
const { readFileSync } = await import("node:fs");

const [definitionPath, substitutionsPath, inputPath] = process.argv.slice(2);
if (!definitionPath || !substitutionsPath || !inputPath) {
    console.error("usage: node run-state-machine.mjs <definition.asl.json> <substitutions.json> <input.json>");
    process.exit(2);
}
const substitutions = JSON.parse(readFileSync(substitutionsPath, "utf8"));
const text = readFileSync(definitionPath, "utf8").replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name) => {
    if (!(name in substitutions)) throw new Error(`no substitution for \${${name}}`);
    return substitutions[name];
});
const machine = new StateMachine(JSON.parse(text), {
    awsConfig: {
        region: process.env.AWS_REGION ?? "us-east-1",
        credentials: { accessKeys: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "local", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "local" } },
    },
});
try {
    const output = await machine.run(JSON.parse(readFileSync(inputPath, "utf8"))).result;
    console.log(JSON.stringify(output));
} catch (error) {
    console.error(`${error.name ?? "Error"}: ${error.message ?? error}${error.cause ? ` (${error.cause})` : ""}`);
    process.exit(1);
}
