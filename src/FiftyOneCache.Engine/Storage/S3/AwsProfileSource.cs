using Amazon;
using Amazon.Runtime.CredentialManagement;

namespace FiftyOneCache.Engine.Storage.S3;

/// <summary>
/// Hands the profiles of <see cref="AwsSharedConfig"/> to the AWS SDK as its own <see cref="CredentialProfile"/>s,
/// so that the SDK turns them into credentials (static and session keys, assume-role with source_profile or
/// credential_source, web identity, SSO, credential_process) exactly as it would from its own reader; source_profile
/// chains come back through <see cref="TryGetProfile"/>.
/// </summary>
public sealed class AwsProfileSource(AwsSharedConfig files) : ICredentialProfileSource
{
    public bool TryGetProfile(string profileName, out CredentialProfile profile)
    {
        profile = null!;
        if (!files.Profiles.TryGetValue(profileName, out var v)) return false;
        var options = new CredentialProfileOptions
        {
            AccessKey = Get(v, "aws_access_key_id"), SecretKey = Get(v, "aws_secret_access_key"), Token = Get(v, "aws_session_token"),
            RoleArn = Get(v, "role_arn"), SourceProfile = Get(v, "source_profile"), CredentialSource = Get(v, "credential_source"),
            ExternalID = Get(v, "external_id"), MfaSerial = Get(v, "mfa_serial"), RoleSessionName = Get(v, "role_session_name"),
            CredentialProcess = Get(v, "credential_process"), WebIdentityTokenFile = Get(v, "web_identity_token_file"),
            SsoAccountId = Get(v, "sso_account_id"), SsoRoleName = Get(v, "sso_role_name"),
            SsoRegion = Get(v, "sso_region"), SsoStartUrl = Get(v, "sso_start_url"),
            SsoRegistrationScopes = Get(v, "sso_registration_scopes"), SsoSession = Get(v, "sso_session"),
        };
        // A profile naming an [sso-session] takes the session's region, start URL and scopes (as the SDK's reader does).
        if (options.SsoSession is { } s && files.SsoSessions.TryGetValue(s, out var session))
        {
            options.SsoRegion ??= Get(session, "sso_region");
            options.SsoStartUrl ??= Get(session, "sso_start_url");
            options.SsoRegistrationScopes ??= Get(session, "sso_registration_scopes");
        }
        profile = new CredentialProfile(profileName, options);
        if (Get(v, "region") is { } region) profile.Region = RegionEndpoint.GetBySystemName(region);
        return true;
    }

    static string? Get(Dictionary<string, string> v, string key) => v.TryGetValue(key, out var s) && s.Length > 0 ? s : null;
}
